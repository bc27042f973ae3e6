package io.servicecatalog.examples.mariadb;

import static io.servicecatalog.examples.mariadb.OsbTestSupport.ASYNC;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.SERVICE_ID;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.SMALL;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.adminConnection;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.databaseNameOf;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.newId;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.osb;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.provisionBody;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.showDatabases;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ServiceInstanceTest {

    private final List<String[]> created = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        created.forEach(instance -> OsbTestSupport.deprovisionQuietly(instance[0], instance[1]));
    }

    private String track(String instanceId, String planId) {
        created.add(new String[] {instanceId, planId});
        return instanceId;
    }

    @Test
    void syncProvisionCreatesTheDatabase() throws Exception {
        String instanceId = track(newId(), SMALL);

        osb().header("X-Broker-API-Request-Identity", "provision-test-1")
                .body(provisionBody(SMALL, null))
                .put("/v2/service_instances/{id}", instanceId)
                .then()
                .statusCode(201)
                .header("X-Broker-API-Request-Identity", "provision-test-1");

        assertTrue(showDatabases().contains(databaseNameOf(instanceId)));
        osb().get("/v2/service_instances/{id}/last_operation", instanceId)
                .then()
                .statusCode(200)
                .body("state", equalTo("succeeded"));
    }

    @Test
    void identicalRepeatIs200AndDifferentAttributesAre409() {
        String instanceId = track(newId(), SMALL);
        Map<String, Object> parameters = Map.of("charset", "utf8mb4");

        osb().body(provisionBody(SMALL, parameters)).put("/v2/service_instances/{id}", instanceId)
                .then().statusCode(201);
        osb().body(provisionBody(SMALL, parameters)).put("/v2/service_instances/{id}", instanceId)
                .then().statusCode(200).body("$", anEmptyMap());
        osb().body(provisionBody(SMALL, Map.of("charset", "latin1"))).put("/v2/service_instances/{id}", instanceId)
                .then().statusCode(409).body("description", containsString(instanceId));
        osb().body(provisionBody(ASYNC, parameters)).queryParam("accepts_incomplete", true)
                .put("/v2/service_instances/{id}", instanceId)
                .then().statusCode(409);
    }

    @Test
    void charsetParameterIsApplied() throws Exception {
        String instanceId = track(newId(), SMALL);
        osb().body(provisionBody(SMALL, Map.of("charset", "latin1"))).put("/v2/service_instances/{id}", instanceId)
                .then().statusCode(201);

        try (Connection connection = adminConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            statement.setString(1, databaseNameOf(instanceId));
            try (ResultSet row = statement.executeQuery()) {
                assertTrue(row.next());
                assertEquals("latin1", row.getString(1));
            }
        }
    }

    @Test
    void invalidRequestsAre400AndChangeNothing() throws Exception {
        String instanceId = newId();
        String path = "/v2/service_instances/{id}";

        osb().body(Map.of("service_id", SERVICE_ID, "plan_id", "no-such-plan")).put(path, instanceId)
                .then().statusCode(400).body("description", containsString("plan_id"));
        osb().body(Map.of("service_id", "no-such-service", "plan_id", SMALL)).put(path, instanceId)
                .then().statusCode(400).body("description", containsString("service_id"));
        osb().body(Map.of("plan_id", SMALL)).put(path, instanceId)
                .then().statusCode(400).body("description", containsString("service_id"));
        osb().body(provisionBody(SMALL, Map.of("size", "huge"))).put(path, instanceId)
                .then().statusCode(400).body("description", containsString("size"));
        osb().body(provisionBody(SMALL, Map.of("charset", "klingon"))).put(path, instanceId)
                .then().statusCode(400).body("description", containsString("klingon"));
        osb().body(provisionBody(SMALL, Map.of("charset", "utf8mb4; DROP DATABASE test"))).put(path, instanceId)
                .then().statusCode(400);
        osb().body("{\"service_id\": ").put(path, instanceId)
                .then().statusCode(400).body("error", equalTo("BadRequest"));
        osb().body("{\"service_id\":\"" + SERVICE_ID + "\",\"plan_id\":\"" + SMALL + "\",\"parameters\":[1]}")
                .put(path, instanceId)
                .then().statusCode(400).body("error", equalTo("BadRequest"));

        assertFalse(showDatabases().contains(databaseNameOf(instanceId)));
        osb().get("/v2/service_instances/{id}/last_operation", instanceId).then().statusCode(410);
    }

    @Test
    void asyncPlanWithoutAcceptsIncompleteIs422AsyncRequired() throws Exception {
        String instanceId = newId();
        osb().body(provisionBody(ASYNC, null)).put("/v2/service_instances/{id}", instanceId)
                .then()
                .statusCode(422)
                .body("error", equalTo("AsyncRequired"));
        osb().body(provisionBody(ASYNC, null)).queryParam("accepts_incomplete", false)
                .put("/v2/service_instances/{id}", instanceId)
                .then()
                .statusCode(422)
                .body("error", equalTo("AsyncRequired"));
        assertFalse(showDatabases().contains(databaseNameOf(instanceId)));
    }

    @Test
    void asyncProvisionIsPolledUntilSucceeded() throws Exception {
        String instanceId = track(newId(), ASYNC);
        String path = "/v2/service_instances/{id}";

        String operation = osb().body(provisionBody(ASYNC, null)).queryParam("accepts_incomplete", true)
                .put(path, instanceId)
                .then().statusCode(202).body("operation", startsWith("provision-"))
                .extract().path("operation");
        // A platform that lost the 202 asks again and must get the same operation.
        osb().body(provisionBody(ASYNC, null)).queryParam("accepts_incomplete", true)
                .put(path, instanceId)
                .then().statusCode(202).body("operation", equalTo(operation));
        osb().queryParam("service_id", SERVICE_ID).queryParam("plan_id", ASYNC).queryParam("operation", operation)
                .get(path + "/last_operation", instanceId)
                .then().statusCode(200)
                .body("state", equalTo("in progress"))
                .header("Retry-After", "1");

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                osb().queryParam("operation", operation)
                        .get(path + "/last_operation", instanceId)
                        .then().statusCode(200)
                        .body("state", equalTo("succeeded"))
                        .header("Retry-After", nullValue()));

        assertTrue(showDatabases().contains(databaseNameOf(instanceId)));
        osb().body(provisionBody(ASYNC, null)).queryParam("accepts_incomplete", true)
                .put(path, instanceId)
                .then().statusCode(200);
        osb().queryParam("operation", "not-ours").get(path + "/last_operation", instanceId)
                .then().statusCode(400);
    }

    @Test
    void deprovisionDuringAsyncProvisionStopsIt() throws Exception {
        String instanceId = newId();
        osb().body(provisionBody(ASYNC, null)).queryParam("accepts_incomplete", true)
                .put("/v2/service_instances/{id}", instanceId)
                .then().statusCode(202);
        osb().queryParam("service_id", SERVICE_ID).queryParam("plan_id", ASYNC)
                .delete("/v2/service_instances/{id}", instanceId)
                .then().statusCode(200);

        Thread.sleep(2_000); // past the 1 s the background task waits in the test profile
        assertFalse(showDatabases().contains(databaseNameOf(instanceId)));
        osb().get("/v2/service_instances/{id}/last_operation", instanceId).then().statusCode(410);
    }

    @Test
    void deprovisionDropsTheDatabase() throws Exception {
        String instanceId = OsbTestSupport.provisionSmall();
        assertTrue(showDatabases().contains(databaseNameOf(instanceId)));

        osb().queryParam("service_id", SERVICE_ID).queryParam("plan_id", SMALL).queryParam("accepts_incomplete", true)
                .delete("/v2/service_instances/{id}", instanceId)
                .then().statusCode(200).body("$", anEmptyMap());

        assertFalse(showDatabases().contains(databaseNameOf(instanceId)));
        osb().queryParam("service_id", SERVICE_ID).queryParam("plan_id", SMALL)
                .delete("/v2/service_instances/{id}", instanceId)
                .then().statusCode(410).body("$", anEmptyMap());
    }

    @Test
    void deprovisionWithoutServiceOrPlanIs400() {
        String instanceId = track(OsbTestSupport.provisionSmall(), SMALL);
        osb().queryParam("plan_id", SMALL).delete("/v2/service_instances/{id}", instanceId)
                .then().statusCode(400);
        osb().queryParam("service_id", SERVICE_ID).delete("/v2/service_instances/{id}", instanceId)
                .then().statusCode(400);
    }

    @Test
    void unknownInstancesAre410() {
        String instanceId = newId();
        osb().queryParam("service_id", SERVICE_ID).queryParam("plan_id", SMALL)
                .delete("/v2/service_instances/{id}", instanceId)
                .then().statusCode(410).body("$", anEmptyMap());
        osb().get("/v2/service_instances/{id}/last_operation", instanceId)
                .then().statusCode(410).body("$", anEmptyMap());
    }

    @Test
    void idsThatAreNotUuidsGetASafeDatabaseName() throws Exception {
        String instanceId = "My.Instance_" + newId() + "~with-a-rather-long-suffix-beyond-64-characters";
        track(instanceId, SMALL);
        osb().body(provisionBody(SMALL, null)).put("/v2/service_instances/{id}", instanceId)
                .then().statusCode(201);

        String database = showDatabases().stream()
                .filter(name -> name.startsWith("osb_my_instance_"))
                .filter(name -> name.contains(instanceId.substring(12, 20)))
                .findFirst().orElseThrow();
        assertTrue(database.length() <= 64, database);
        OsbTestSupport.deprovisionQuietly(instanceId, SMALL);
        assertFalse(showDatabases().contains(database));
    }
}
