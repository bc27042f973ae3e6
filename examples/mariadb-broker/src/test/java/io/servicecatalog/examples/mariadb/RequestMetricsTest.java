package io.servicecatalog.examples.mariadb;

import static io.restassured.RestAssured.given;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.SMALL;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.newId;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.osb;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.provisionBody;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The platform's end-to-end test counts provision calls through this metric, so it must be exact. */
@QuarkusTest
class RequestMetricsTest {

    private static double count(String operation, String status) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = Pattern.compile("^mariadb_broker_requests_total\\{operation=\"" + operation
                + "\",status=\"" + status + "\"} (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    @Test
    void everyHandledRequestIsCountedOnceByOperationAndStatus() {
        double created = count("provision", "201");
        double repeated = count("provision", "200");
        double deprovisioned = count("deprovision", "200");
        double unauthorized = count("provision", "401");

        String instanceId = newId();
        osb().body(provisionBody(SMALL, null)).put("/v2/service_instances/{id}", instanceId)
                .then().statusCode(201);
        osb().body(provisionBody(SMALL, null)).put("/v2/service_instances/{id}", instanceId)
                .then().statusCode(200);
        given().body(provisionBody(SMALL, null)).contentType("application/json")
                .put("/v2/service_instances/{id}", instanceId)
                .then().statusCode(401);
        OsbTestSupport.deprovisionQuietly(instanceId, SMALL);

        assertEquals(created + 1, count("provision", "201"));
        assertEquals(repeated + 1, count("provision", "200"));
        assertEquals(deprovisioned + 1, count("deprovision", "200"));
        // Refused before reaching the handler: not counted.
        assertEquals(unauthorized, count("provision", "401"));
    }
}
