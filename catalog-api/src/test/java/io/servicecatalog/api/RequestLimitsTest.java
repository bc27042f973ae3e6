package io.servicecatalog.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.servicecatalog.testsupport.KafkaTestResource;
import org.junit.jupiter.api.Test;

/** Request-size limits: a body over the configured maximum, and parameters or schemas over 64 kB. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class RequestLimitsTest {
  static final String API = "/apis/servicecatalog.k8s.io/v1beta1";

  static String big(int chars) {
    return "x".repeat(chars);
  }

  @Test
  void bodyOverTheLimitIsAStatus413() {
    String body = "{\"metadata\":{\"name\":\"huge\"},\"spec\":{\"url\":\"http://127.0.0.1:1\"},\"x\":\""
        + big(4 * 1024 * 1024) + "\"}";
    given().contentType(ContentType.JSON).body(body).post(API + "/clusterservicebrokers")
        .then().statusCode(413).contentType(ContentType.JSON)
        .body("kind", equalTo("Status")).body("code", equalTo(413))
        .body("reason", equalTo("RequestEntityTooLarge"));
    given().get(API + "/clusterservicebrokers/huge").then().statusCode(404);
  }

  @Test
  void parametersOver64kBAreInvalidAndNamed() {
    String path = API + "/namespaces/limits/serviceinstances";
    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"big-params\"},\"spec\":{\"clusterServiceClassExternalName\":\"c\","
            + "\"clusterServicePlanExternalName\":\"p\",\"parameters\":{\"blob\":\"" + big(70_000) + "\"}}}")
        .post(path).then().statusCode(422).body("kind", equalTo("Status")).body("reason", equalTo("Invalid"))
        .body("details.causes.field", hasItem("spec.parameters"))
        .body("message", containsString("65536"));
    given().get(path + "/big-params").then().statusCode(404);
    // just under the bound is fine as far as the size goes
    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"ok-params\"},\"spec\":{\"clusterServiceClassExternalName\":\"c\","
            + "\"clusterServicePlanExternalName\":\"p\",\"parameters\":{\"blob\":\"" + big(60_000) + "\"}}}")
        .post(path).then().statusCode(201);
  }

  @Test
  void bindingParametersAndPlanSchemasOver64kBAreInvalid() {
    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"big-bind\"},\"spec\":{\"instanceRef\":{\"name\":\"i\"},"
            + "\"parameters\":{\"blob\":\"" + big(70_000) + "\"}}}")
        .post(API + "/namespaces/limits/servicebindings").then().statusCode(422)
        .body("details.causes.field", hasItem("spec.parameters"));
    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"big-schema\"},\"spec\":{\"clusterServiceBrokerName\":\"b\","
            + "\"externalName\":\"p\",\"externalID\":\"p-big\",\"clusterServiceClassRef\":{\"name\":\"c\"},"
            + "\"instanceCreateParameterSchema\":{\"description\":\"" + big(70_000) + "\"}}}")
        .post(API + "/clusterserviceplans").then().statusCode(422)
        .body("details.causes.field", hasItem("spec.instanceCreateParameterSchema"));
    given().get(API + "/clusterserviceplans/big-schema").then().statusCode(404);
  }

  @Test
  void anUpdateThatGrowsParametersPast64kBIsRefusedAndNothingChanges() {
    String path = API + "/namespaces/limits/serviceinstances/grow";
    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"grow\"},\"spec\":{\"clusterServiceClassExternalName\":\"c\","
            + "\"clusterServicePlanExternalName\":\"p\",\"parameters\":{\"a\":1}}}")
        .post(API + "/namespaces/limits/serviceinstances").then().statusCode(201);
    String before = given().get(path).then().statusCode(200).extract().asString();
    given().contentType("application/merge-patch+json")
        .body("{\"spec\":{\"parameters\":{\"blob\":\"" + big(70_000) + "\"}}}")
        .patch(path).then().statusCode(422).body("details.causes.field", hasItem("spec.parameters"));
    given().get(path).then().statusCode(200).body(equalTo(before));
  }
}
