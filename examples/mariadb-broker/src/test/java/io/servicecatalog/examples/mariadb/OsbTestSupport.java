package io.servicecatalog.examples.mariadb;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.servicecatalog.examples.mariadb.broker.BrokerCatalog;

/** Shared helpers: OSB requests as a platform sends them, and direct JDBC checks on MariaDB. */
final class OsbTestSupport {

    static final String SERVICE_ID = BrokerCatalog.SERVICE_ID;
    static final String SMALL = BrokerCatalog.SMALL_PLAN_ID;
    static final String ASYNC = BrokerCatalog.ASYNC_PLAN_ID;

    private OsbTestSupport() {
    }

    /** An authenticated OSB 2.17 request. */
    static RequestSpecification osb() {
        return given()
                .auth().preemptive().basic("admin", "changeme")
                .header("X-Broker-API-Version", "2.17")
                .contentType(ContentType.JSON);
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    static Map<String, Object> provisionBody(String planId, Map<String, Object> parameters) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service_id", SERVICE_ID);
        body.put("plan_id", planId);
        body.put("organization_guid", "test-org");
        body.put("space_guid", "test-space");
        body.put("context", Map.of("platform", "kubernetes", "namespace", "test"));
        if (parameters != null) {
            body.put("parameters", parameters);
        }
        return body;
    }

    static Map<String, Object> bindBody(String planId) {
        return Map.of("service_id", SERVICE_ID, "plan_id", planId,
                "bind_resource", Map.of("app_guid", "test-app"),
                "context", Map.of("platform", "kubernetes", "namespace", "test"));
    }

    static String databaseNameOf(String instanceId) {
        return "osb_" + instanceId.replace("-", "");
    }

    /** The broker's own admin connection settings, but a connection of our own. */
    static Connection adminConnection() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
    }

    static List<String> showDatabases() throws SQLException {
        try (Connection connection = adminConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SHOW DATABASES")) {
            List<String> names = new ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }

    static void deprovisionQuietly(String instanceId, String planId) {
        osb().queryParam("service_id", SERVICE_ID).queryParam("plan_id", planId)
                .delete("/v2/service_instances/{id}", instanceId);
    }

    /** Provisions a small instance and returns its id. */
    static String provisionSmall() {
        String instanceId = newId();
        osb().body(provisionBody(SMALL, null))
                .put("/v2/service_instances/{id}", instanceId)
                .then().statusCode(201);
        return instanceId;
    }
}
