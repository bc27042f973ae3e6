package io.servicecatalog.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Instances that name a class no broker offers yet are resolved when a catalog brings it. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class PendingResolutionTest {
  static final String API = "/apis/servicecatalog.k8s.io/v1beta1";

  @Test
  void instancesWaitingForTheirClassAreResolvedWhenTheCatalogArrives() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String ns = "pending-" + tag;
    int instances = 12;
    for (int i = 0; i < instances; i++) {
      given().contentType(ContentType.JSON)
          .body("{\"metadata\":{\"name\":\"i" + i + "\"},\"spec\":{\"clusterServiceClassExternalName\":\"late-" + tag
              + "\",\"clusterServicePlanExternalName\":\"small\"}}")
          .post(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(201)
          .body("status.conditions[0].reason", equalTo("ReferencesNonexistentServiceClass"));
    }

    String broker = "late-" + tag;
    String brokerUid = given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"" + broker + "\"},\"spec\":{\"url\":\"http://127.0.0.1:1\"}}")
        .post(API + "/clusterservicebrokers").then().statusCode(201).extract().path("metadata.uid");
    String classId = UUID.randomUUID().toString();
    String planId = UUID.randomUUID().toString();
    OperationResult fetched = OperationResult.about("broker-gateway", "ClusterServiceBroker", null, broker, brokerUid, 1L)
        .op(Operation.FETCH_CATALOG, Outcome.SUCCEEDED, "FetchedCatalog", null);
    fetched.catalog = Json.MAPPER.readTree("""
        {"services":[{"id":"%s","name":"late-%s","description":"d","bindable":true,
          "plans":[{"id":"%s","name":"small","description":"d"}]}]}""".formatted(classId, tag, planId));
    AuditTrailTest.publish(fetched);

    for (int i = 0; i < instances; i++) {
      String path = API + "/namespaces/" + ns + "/serviceinstances/i" + i;
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get(path).then()
          .body("spec.clusterServiceClassRef.name", equalTo(classId))
          .body("spec.clusterServicePlanRef.name", equalTo(planId)));
    }
  }
}
