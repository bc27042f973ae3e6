package io.servicecatalog.examples.mariadb.broker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.servicecatalog.examples.mariadb.osb.Catalog;
import io.servicecatalog.examples.mariadb.osb.Catalog.InputParameters;
import io.servicecatalog.examples.mariadb.osb.Catalog.Plan;
import io.servicecatalog.examples.mariadb.osb.Catalog.Schemas;
import io.servicecatalog.examples.mariadb.osb.Catalog.ServiceInstanceSchema;
import io.servicecatalog.examples.mariadb.osb.Catalog.ServiceOffering;

/**
 * The broker's one service offering and its plans. The ids are fixed forever: platforms identify
 * offerings and plans by id only, so changing one would orphan every existing instance.
 */
public final class BrokerCatalog {

    public static final String SERVICE_ID = "bbfb75a2-5789-4c09-a81c-557f5ab4fda6";
    public static final String SMALL_PLAN_ID = "c4511404-286c-4ae4-8e2e-480f79affd8b";
    public static final String ASYNC_PLAN_ID = "7d723a3f-1fb1-436f-92c9-b07d5743b51d";

    /** Platforms should give up polling an async provision after this many seconds. */
    public static final int MAXIMUM_POLLING_DURATION_SECONDS = 600;

    private static final Catalog CATALOG = build();

    private BrokerCatalog() {
    }

    public static Catalog catalog() {
        return CATALOG;
    }

    public static Optional<Plan> plan(String planId) {
        return CATALOG.services().get(0).plans().stream()
                .filter(plan -> plan.id().equals(planId))
                .findFirst();
    }

    public static boolean isAsyncPlan(String planId) {
        return ASYNC_PLAN_ID.equals(planId);
    }

    private static Catalog build() {
        Map<String, Object> serviceMetadata = new LinkedHashMap<>();
        serviceMetadata.put("displayName", "MariaDB");
        serviceMetadata.put("longDescription",
                "A database of its own on a shared MariaDB server; every binding gets its own user.");
        serviceMetadata.put("providerDisplayName", "Service Catalog examples");
        serviceMetadata.put("documentationUrl", "https://mariadb.com/kb/en/documentation/");
        serviceMetadata.put("supportUrl", "https://mariadb.com/kb/en/community/");

        Plan small = new Plan(SMALL_PLAN_ID, "small",
                "A database on the shared MariaDB server, created synchronously.",
                Map.of("displayName", "Small",
                        "bullets", List.of("Shared MariaDB server", "One database", "One user per binding")),
                true, null, instanceCreateSchema(), null);
        Plan async = new Plan(ASYNC_PLAN_ID, "async",
                "Like small, but provisioned asynchronously (exercises last_operation polling).",
                Map.of("displayName", "Small (asynchronous)",
                        "bullets", List.of("Shared MariaDB server", "Provisioned in the background")),
                true, null, instanceCreateSchema(), MAXIMUM_POLLING_DURATION_SECONDS);

        ServiceOffering mariadb = new ServiceOffering(SERVICE_ID, "mariadb",
                "MariaDB databases on a shared server",
                List.of("mariadb", "mysql", "database"),
                true, false, false, false,
                serviceMetadata, List.of(small, async));
        return new Catalog(List.of(mariadb));
    }

    private static Schemas instanceCreateSchema() {
        Map<String, Object> charset = new LinkedHashMap<>();
        charset.put("type", "string");
        charset.put("description", "Default character set of the database, e.g. utf8mb4 or latin1. "
                + "Defaults to the server's default.");
        charset.put("pattern", "^[A-Za-z0-9_]{1,32}$");

        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", "http://json-schema.org/draft-04/schema#");
        schema.put("type", "object");
        schema.put("properties", Map.of("charset", charset));
        schema.put("additionalProperties", false);
        return new Schemas(new ServiceInstanceSchema(new InputParameters(schema), null), null);
    }
}
