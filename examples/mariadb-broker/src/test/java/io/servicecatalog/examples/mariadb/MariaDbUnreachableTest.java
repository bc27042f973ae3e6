package io.servicecatalog.examples.mariadb;

import static io.restassured.RestAssured.given;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.SMALL;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.newId;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.osb;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.provisionBody;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The broker starts and answers sensibly while MariaDB is down (nothing listens on port 1). */
@QuarkusTest
@TestProfile(MariaDbUnreachableTest.MariaDbDown.class)
class MariaDbUnreachableTest {

    public static class MariaDbDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:mariadb://127.0.0.1:1/");
        }
    }

    @Test
    void readinessReportsMariaDbDown() {
        given().get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'mariadb' }.status", equalTo("DOWN"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void catalogStillWorks() {
        osb().get("/v2/catalog").then().statusCode(200);
    }

    @Test
    void operationsNeedingMariaDbAre503() {
        osb().body(provisionBody(SMALL, null)).put("/v2/service_instances/{id}", newId())
                .then()
                .statusCode(503)
                .body("error", equalTo("ServiceUnavailable"))
                .body("description", containsString("unreachable"));
        osb().get("/v2/service_instances/{id}/last_operation", newId())
                .then()
                .statusCode(503);
    }
}
