package io.servicecatalog.injector;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.servicecatalog.injector.testsupport.FakeCatalogApi;
import io.servicecatalog.testsupport.KafkaTestResource;
import org.junit.jupiter.api.Test;

/** Health, metrics, OpenAPI and the retries endpoint. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakeCatalogApi.class)
class ObservabilityTest {

  @Test
  void readyOnceKafkaIsConnected() {
    given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void countersAreExported() {
    given()
        .when()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("servicecatalog_injector_retries_pending"));
  }

  @Test
  void retriesEndpointIsDocumentedAndAnswers() {
    given().when().get("/injector/retries").then().statusCode(200).body(containsString("["));
    given().when().get("/q/openapi").then().statusCode(200).body(containsString("/injector/retries"));
  }
}
