package io.servicecatalog.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes scale-results.json and scale-results.md, and prints the Markdown. */
final class ScaleReport {

    private ScaleReport() {
    }

    @SuppressWarnings("unchecked")
    static void write(Path out, Map<String, Object> results) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(out.resolve("scale-results.json"), json.writeValueAsString(results));
        StringBuilder md = new StringBuilder("## Scale runs (" + results.get("started_at") + ")\n\n");
        md.append("Shared machine: absolute latencies are noisy; the query plans (query-plans.txt) are the evidence.\n\n");

        Map<String, Object> storage = (Map<String, Object>) results.get("storage");
        if (storage != null) {
            md.append("### ").append(storage.get("instances")).append(" ServiceInstances stored (")
                    .append(storage.get("namespaces")).append(" namespaces, catalog-api only: unprovisioned)\n\n");
            md.append("Inserted through the REST API at ").append(storage.get("insert_per_s")).append("/s (")
                    .append(storage.get("insert_failed")).append(" failed). Target: list page and get p95 ≤ 50 ms.\n\n");
            md.append("| read (ms) | pages/count | items | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|---|\n");
            Map<String, Object> lists = (Map<String, Object>) storage.get("lists");
            for (Map.Entry<String, Object> e : lists.entrySet()) {
                Map<String, Object> l = (Map<String, Object>) e.getValue();
                Map<String, Object> lat = (Map<String, Object>) l.get("page_latency");
                md.append("| ").append(e.getKey()).append(" `").append(l.get("path"))
                        .append(l.containsKey("label_selector") ? "?labelSelector=" + l.get("label_selector") : "")
                        .append("` | ").append(l.get("pages")).append(" | ").append(l.get("items")).append(" | ")
                        .append(lat.get("p50_ms")).append(" | ").append(lat.get("p95_ms")).append(" | ")
                        .append(lat.get("p99_ms")).append(" | ").append(lat.get("max_ms")).append(" |\n");
            }
            Map<String, Object> gets = (Map<String, Object>) storage.get("gets");
            Map<String, Object> lat = (Map<String, Object>) gets.get("latency");
            md.append("| random GET | ").append(gets.get("count")).append(" | 1 | ").append(lat.get("p50_ms"))
                    .append(" | ").append(lat.get("p95_ms")).append(" | ").append(lat.get("p99_ms")).append(" | ")
                    .append(lat.get("max_ms")).append(" |\n\n");
            Map<String, Object> plans = (Map<String, Object>) storage.get("query_plans");
            md.append("| query (EXPLAIN ANALYZE) | execution ms | plan |\n|---|---|---|\n");
            for (Map.Entry<String, Object> e : plans.entrySet()) {
                Map<String, Object> p = (Map<String, Object>) e.getValue();
                md.append("| ").append(e.getKey()).append(" | ").append(p.get("execution_ms")).append(" | ")
                        .append(String.join(" / ", (Iterable<String>) p.get("plan_top")).replace("|", "\\|"))
                        .append(" |\n");
            }
            md.append("\ncatalog-api RSS after the run: ").append(storage.get("catalog_api_rss_mib"))
                    .append(" MiB (peak ").append(storage.get("catalog_api_peak_rss_mib")).append(")\n\n");
        }

        Map<String, Object> relist = (Map<String, Object>) results.get("relist");
        if (relist != null) {
            md.append("### Relist of a ").append(relist.get("plans")).append("-plan catalog (")
                    .append(relist.get("services")).append(" services)\n\n");
            md.append("Target: ").append(relist.get("target")).append(".\n\n");
            md.append("| relist | resources rows written | by kind | outbox rows added | pg_stat resources ins/upd/del | s |\n")
                    .append("|---|---|---|---|---|---|\n");
            for (String k : new String[]{"unchanged", "one_plan_changed"}) {
                Map<String, Object> r = (Map<String, Object>) relist.get(k);
                if (r == null) {
                    continue;
                }
                Map<String, Object> res = (Map<String, Object>) ((Map<String, Object>) r.get("pg_stat_user_tables"))
                        .get("resources");
                md.append("| ").append(k).append(" | ").append(r.get("resources_rows_written")).append(" | ")
                        .append(r.get("resources_rows_written_by_kind")).append(" | ").append(r.get("outbox_rows_added"))
                        .append(" | ").append(res == null ? "?" : res.get("inserted") + "/" + res.get("updated") + "/"
                                + res.get("deleted")).append(" | ").append(r.get("relist_to_ready_s")).append(" |\n");
            }
            md.append('\n');
        }

        Map<String, Object> secrets = (Map<String, Object>) results.get("secrets");
        if (secrets != null) {
            md.append("### ").append(secrets.get("secrets")).append(" foreign Secrets in the Kubernetes API\n\n");
            md.append("Target: ").append(secrets.get("target")).append(".\n\n");
            md.append("| service | RSS before (MiB) | RSS after (MiB) | Δ % | peak RSS after (MiB) |\n|---|---|---|---|---|\n");
            Map<String, Object> before = (Map<String, Object>) secrets.get("before");
            Map<String, Object> after = (Map<String, Object>) secrets.get("after");
            Map<String, Object> delta = (Map<String, Object>) secrets.get("rss_delta_pct");
            for (String svc : before.keySet()) {
                Map<String, Object> b = (Map<String, Object>) before.get(svc);
                Map<String, Object> a = (Map<String, Object>) after.get(svc);
                md.append("| ").append(svc).append(" | ").append(b.get("rss_mib")).append(" | ").append(a.get("rss_mib"))
                        .append(" | ").append(delta.get(svc)).append(" | ").append(a.get("peak_rss_mib")).append(" |\n");
            }
            md.append('\n');
        }
        Files.writeString(out.resolve("scale-results.md"), md.toString());
        System.out.println();
        System.out.println(md);
        System.out.println("[scale] wrote " + out.resolve("scale-results.json") + " and scale-results.md");
    }
}
