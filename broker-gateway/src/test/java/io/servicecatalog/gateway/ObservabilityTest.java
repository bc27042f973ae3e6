package io.servicecatalog.gateway;

import static io.restassured.RestAssured.given;
import static io.servicecatalog.gateway.support.Fixtures.suffix;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.gateway.support.GatewayTestBase;
import io.servicecatalog.testsupport.KafkaTestResource;
import io.servicecatalog.gateway.support.TestTopics;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class ObservabilityTest extends GatewayTestBase {

  @Test
  void readinessCoversTheDatabaseKafkaAndTheWorker() {
    eventually().untilAsserted(() -> given().when().get("/q/health/ready").then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("operation-worker")));
  }

  @Test
  void osbCallsAreCountedAndOperationsAreVisible() {
    ServiceInstance i = Fixtures.instance("db-" + suffix(), serviceClass.getMetadata().getName(), plan.getMetadata().getName());
    catalogApi.put(i);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    String uid = i.getMetadata().getUid();
    eventually().until(() -> TestTopics.results(uid).stream().anyMatch(r -> r.outcome == Outcome.SUCCEEDED));

    given().when().get("/q/metrics").then().statusCode(200)
        .body(containsString("servicecatalog_osb_request_count_total{broker=\"" + brokerResource.getMetadata().getName()
            + "\",method=\"PUT\",operation=\"ProvisionInstance\",status=\"2xx\"}"))
        .body(containsString("servicecatalog_osb_request_duration_seconds"))
        .body(containsString("servicecatalog_operations_polling"));
    given().when().get("/api/v1/operations/" + uid).then().statusCode(200)
        .body("[0].operation", equalTo("PROVISION"))
        .body("[0].state", equalTo("SUCCEEDED"))
        .body("[0].instanceId", equalTo(i.getSpec().externalID));
    given().when().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/operations"));
  }
}
