package io.servicecatalog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EXPLAIN ANALYZE of the SQL catalog-api issues for the storage run's reads (written out as
 * catalog-api's ResourceStore.find and listAfter build it; keep in step with them), so an index fix is judged by its plan rather than by
 * latencies on a shared machine. Plans go to {@code query-plans.txt}; execution times to the JSON.
 */
final class QueryPlans {

    private static final Pattern EXECUTION = Pattern.compile("Execution Time: ([0-9.]+) ms");
    private static final String COLUMNS =
            "uid, kind, namespace, name, resource_version, generation, owner_name, body";

    private QueryPlans() {
    }

    static Map<String, Object> explainStorage(Connection db, Path out, String namespace, String middleName,
                                              int pageSize) throws SQLException, IOException {
        String ns = quote(namespace);
        String mid = quote(middleName);
        int batch = pageSize; // Lister reads batches of at most 500
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("get", "select " + COLUMNS + " from catalog_api.resources"
                + " where kind = 'ServiceInstance' and namespace = " + ns + " and name = " + mid);
        queries.put("namespaced_page_from_middle", "select " + COLUMNS + " from catalog_api.resources"
                + " where kind = 'ServiceInstance' and namespace = " + ns + " and name > " + mid
                + " order by name limit " + batch);
        queries.put("cluster_wide_page_from_middle", "select " + COLUMNS + " from catalog_api.resources"
                + " where kind = 'ServiceInstance' and (namespace, name) > (" + ns + ", " + mid + ")"
                + " order by namespace, name limit " + batch);
        queries.put("label_selector_10pct_page", "select " + COLUMNS + " from catalog_api.resources"
                + " where kind = 'ServiceInstance' and namespace = " + ns + " and name > ''"
                + " and labels @> '{\"" + ScaleBenchmark.INSTANCE_LABEL_GROUP + "\":\"g3\"}'"
                + " order by namespace, name limit " + batch);
        queries.put("label_selector_1pct_cluster_wide_page", "select " + COLUMNS + " from catalog_api.resources"
                + " where kind = 'ServiceInstance' and (namespace, name) > ('', '')"
                + " and labels @> '{\"" + ScaleBenchmark.INSTANCE_LABEL_SHARD + "\":\"s42\"}'"
                + " order by namespace, name limit " + batch);
        queries.put("list_resource_version", "select case when is_called then last_value else 0 end"
                + " from catalog_api.resource_version_seq");

        StringBuilder text = new StringBuilder();
        Map<String, Object> times = new LinkedHashMap<>();
        try (Statement st = db.createStatement()) {
            for (Map.Entry<String, String> q : queries.entrySet()) {
                text.append("-- ").append(q.getKey()).append('\n').append(q.getValue()).append(";\n");
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + q.getValue())) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                text.append(plan).append('\n');
                Matcher m = EXECUTION.matcher(plan);
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("execution_ms", m.find() ? Double.parseDouble(m.group(1)) : null);
                entry.put("plan_top", plan.toString().lines().limit(3).map(String::strip).toList());
                times.put(q.getKey(), entry);
            }
        }
        Files.writeString(out.resolve("query-plans.txt"), text);
        return times;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
