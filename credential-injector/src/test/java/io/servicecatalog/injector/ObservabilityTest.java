package io.servicecatalog.injector;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.servicecatalog.injector.testsupport.FakeCatalogApi;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Health, metrics, OpenAPI and the retries endpoint. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakeCatalogApi.class)
class ObservabilityTest {

  @Test
  void readyOnceKafkaIsConnectedTheEnvelopesAreReadAndTheWatchHasSynced() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
    given().when().get("/q/health/ready").then()
        .body("checks.find { it.name == 'secret-repair' }.data.watchSynced", equalTo(true));
  }

  @Test
  void countersAreExported() {
    given()
        .when()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("servicecatalog_injector_retries_pending"))
        .body(containsString("servicecatalog_injector_envelopes_held"))
        .body(containsString("servicecatalog_injector_secrets_watched"));
  }

  @Test
  void retriesEndpointIsDocumentedAndAnswers() {
    given().when().get("/injector/retries").then().statusCode(200).body(containsString("["));
    given().when().get("/q/openapi").then().statusCode(200).body(containsString("/injector/retries"));
  }
}
