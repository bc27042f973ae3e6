package io.servicecatalog.examples.mariadb;

import static io.servicecatalog.examples.mariadb.OsbTestSupport.ASYNC;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.SERVICE_ID;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.SMALL;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.bindBody;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.databaseNameOf;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.newId;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.osb;
import static io.servicecatalog.examples.mariadb.OsbTestSupport.provisionBody;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class ServiceBindingTest {

    private static final String BINDINGS = "/v2/service_instances/{instance}/service_bindings/{binding}";
    /** "Access denied": 1045 for a wrong password, 1698 when MariaDB has no such user at all. */
    private static final Set<Integer> ACCESS_DENIED = Set.of(1045, 1698);

    private final List<String> instances = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        instances.forEach(id -> OsbTestSupport.deprovisionQuietly(id, SMALL));
    }

    private String smallInstance() {
        String instanceId = OsbTestSupport.provisionSmall();
        instances.add(instanceId);
        return instanceId;
    }

    private static JsonPath bind(String instanceId, String bindingId, int expectedStatus) {
        return osb().body(bindBody(SMALL)).put(BINDINGS, instanceId, bindingId)
                .then().statusCode(expectedStatus)
                .extract().jsonPath();
    }

    private static void unbind(String instanceId, String bindingId, int expectedStatus) {
        osb().queryParam("service_id", SERVICE_ID).queryParam("plan_id", SMALL)
                .delete(BINDINGS, instanceId, bindingId)
                .then().statusCode(expectedStatus).body("$", anEmptyMap());
    }

    private static Connection login(JsonPath credentials) throws SQLException {
        return DriverManager.getConnection(credentials.getString("credentials.jdbcUrl"),
                credentials.getString("credentials.username"), credentials.getString("credentials.password"));
    }

    private static void assertLoginRefused(JsonPath credentials) {
        SQLException refused = assertThrows(SQLException.class, () -> login(credentials).close());
        assertTrue(ACCESS_DENIED.contains(refused.getErrorCode()), refused.getMessage());
    }

    @Test
    void bindReturnsCredentialsThatWork() throws Exception {
        String instanceId = smallInstance();
        String bindingId = newId();

        JsonPath binding = bind(instanceId, bindingId, 201);

        String database = databaseNameOf(instanceId);
        String user = binding.getString("credentials.username");
        String password = binding.getString("credentials.password");
        assertEquals("127.0.0.1", binding.getString("credentials.host"));
        assertEquals(3306, binding.getInt("credentials.port"));
        assertTrue(binding.get("credentials.port") instanceof Integer, "port must be a JSON number");
        assertEquals(database, binding.getString("credentials.database"));
        assertTrue(user.length() <= 32, user);
        assertTrue(password.matches("[A-Za-z0-9]{24,}"), "password must be long and alphanumeric");
        assertEquals("mysql://" + user + ":" + password + "@127.0.0.1:3306/" + database,
                binding.getString("credentials.uri"));
        assertEquals("jdbc:mariadb://127.0.0.1:3306/" + database, binding.getString("credentials.jdbcUrl"));
        assertEquals("3306", binding.getString("endpoints[0].ports[0]"));

        try (Connection connection = login(binding); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE greeting (id INT PRIMARY KEY, text VARCHAR(50))");
            sql.execute("INSERT INTO greeting VALUES (1, 'hello from a binding')");
            try (ResultSet row = sql.executeQuery("SELECT text FROM greeting WHERE id = 1")) {
                assertTrue(row.next());
                assertEquals("hello from a binding", row.getString(1));
            }
            // Privileges stop at the instance's own database.
            SQLException denied = assertThrows(SQLException.class, () -> sql.execute("CREATE DATABASE osb_not_mine"));
            assertTrue(denied.getErrorCode() > 0);
        }
    }

    @Test
    void unbindRevokesTheCredentials() throws Exception {
        String instanceId = smallInstance();
        String bindingId = newId();
        JsonPath binding = bind(instanceId, bindingId, 201);

        try (Connection open = login(binding)) {
            unbind(instanceId, bindingId, 200);

            assertLoginRefused(binding);
            // Sessions opened before the unbind are ended too.
            assertThrows(SQLException.class, () -> {
                try (Statement sql = open.createStatement()) {
                    sql.executeQuery("SELECT 1").close();
                }
            });
        }
        unbind(instanceId, bindingId, 410);
    }

    @Test
    void repeatedBindIssuesANewPasswordFor200() throws Exception {
        String instanceId = smallInstance();
        String bindingId = newId();
        JsonPath first = bind(instanceId, bindingId, 201);
        JsonPath second = bind(instanceId, bindingId, 200);

        assertEquals(first.getString("credentials.username"), second.getString("credentials.username"));
        assertNotEquals(first.getString("credentials.password"), second.getString("credentials.password"));
        login(second).close();
        assertLoginRefused(first);
    }

    @Test
    void deprovisionRemovesUsersOfBindingsThePlatformForgot() throws Exception {
        String instanceId = smallInstance();
        JsonPath binding = bind(instanceId, newId(), 201);

        OsbTestSupport.deprovisionQuietly(instanceId, SMALL);

        assertLoginRefused(binding);
    }

    @Test
    void bindingNeedsAProvisionedInstance() {
        osb().body(bindBody(SMALL)).put(BINDINGS, newId(), newId())
                .then().statusCode(404);

        String asyncInstance = newId();
        instances.add(asyncInstance);
        osb().body(provisionBody(ASYNC, null)).queryParam("accepts_incomplete", true)
                .put("/v2/service_instances/{id}", asyncInstance)
                .then().statusCode(202);
        osb().body(bindBody(ASYNC)).put(BINDINGS, asyncInstance, newId())
                .then().statusCode(422).body("error", equalTo("ConcurrencyError"));
    }

    @Test
    void invalidBindRequestsAre400() {
        String instanceId = smallInstance();
        osb().body(bindBody(ASYNC)).put(BINDINGS, instanceId, newId())
                .then().statusCode(400);
        osb().body(Map.of("service_id", SERVICE_ID)).put(BINDINGS, instanceId, newId())
                .then().statusCode(400);
        osb().body(Map.of("service_id", SERVICE_ID, "plan_id", SMALL, "parameters",
                Map.of("role", "admin"))).put(BINDINGS, instanceId, newId())
                .then().statusCode(400);
        osb().delete(BINDINGS, instanceId, newId()).then().statusCode(400);
    }

    @Test
    void unknownBindingIs410() {
        String instanceId = smallInstance();
        unbind(instanceId, newId(), 410);
    }
}
