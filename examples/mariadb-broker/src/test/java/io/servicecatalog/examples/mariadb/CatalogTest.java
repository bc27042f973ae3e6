package io.servicecatalog.examples.mariadb;

import static io.restassured.RestAssured.given;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.ASYNC;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.SERVICE_ID;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.SMALL;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.osb;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class CatalogTest {

    @Test
    void catalogOffersMariaDbWithTwoPlans() {
        osb().header("X-Broker-API-Request-Identity", "catalog-test-1")
                .get("/v2/catalog")
                .then()
                .statusCode(200)
                .header("X-Broker-API-Request-Identity", "catalog-test-1")
                .body("services", hasSize(1))
                .body("services[0].id", equalTo(SERVICE_ID))
                .body("services[0].name", equalTo("mariadb"))
                .body("services[0].description", notNullValue())
                .body("services[0].bindable", equalTo(true))
                .body("services[0].plan_updateable", equalTo(false))
                .body("services[0].tags", contains("mariadb", "mysql", "database"))
                .body("services[0].metadata.displayName", equalTo("MariaDB"))
                .body("services[0].plans.name", contains("small", "async"))
                .body("services[0].plans.id", contains(SMALL, ASYNC))
                .body("services[0].plans.free", contains(true, true))
                .body("services[0].plans[1].maximum_polling_duration", equalTo(600))
                .body("services[0].plans[0].schemas.service_instance.create.parameters.'$schema'",
                        equalTo("http://json-schema.org/draft-04/schema#"))
                .body("services[0].plans[0].schemas.service_instance.create.parameters.properties.charset.type",
                        equalTo("string"));
    }

    @Test
    void missingCredentialsAre401WithOsbBody() {
        given().header("X-Broker-API-Version", "2.17")
                .get("/v2/catalog")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("Basic"))
                .body("error", equalTo("Unauthorized"))
                .body("description", notNullValue());
    }

    @Test
    void wrongPasswordIs401() {
        given().auth().preemptive().basic("admin", "wrong")
                .header("X-Broker-API-Version", "2.17")
                .get("/v2/catalog")
                .then()
                .statusCode(401)
                .body("error", equalTo("Unauthorized"));
    }

    @Test
    void missingVersionHeaderIs412() {
        given().auth().preemptive().basic("admin", "changeme")
                .get("/v2/catalog")
                .then()
                .statusCode(412)
                .body("error", equalTo("PreconditionFailed"))
                .body("description", containsString("X-Broker-API-Version"));
    }

    @Test
    void tooOldOrGarbledVersionIs412() {
        for (String version : new String[] {"2.12", "1.99", "3.0", "latest"}) {
            given().auth().preemptive().basic("admin", "changeme")
                    .header("X-Broker-API-Version", version)
                    .get("/v2/catalog")
                    .then()
                    .statusCode(412);
        }
        given().auth().preemptive().basic("admin", "changeme")
                .header("X-Broker-API-Version", "2.14")
                .get("/v2/catalog")
                .then()
                .statusCode(200);
    }

    @Test
    void healthAndOpenApiAreServed() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'mariadb' }.status", equalTo("UP"));
        given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("paths", notNullValue());
    }
}
