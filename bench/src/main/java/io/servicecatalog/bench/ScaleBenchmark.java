package io.servicecatalog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.localstack.LocalStack;
import io.servicecatalog.localstack.Postgres;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * The scale runs of issue 8, each against a stack of its own in a fresh database:
 * <ol>
 *   <li><b>storage</b>: N ServiceInstances stored through catalog-api (catalog-api alone: no
 *       broker-gateway, so they stay unprovisioned), then list pages, gets, label-selector and
 *       cluster-wide lists timed, with the query plans of the SQL behind them;</li>
 *   <li><b>relist</b>: a broker with a catalog of P plans registered, relisted unchanged and
 *       then with one plan's description changed; the rows written each time are counted;</li>
 *   <li><b>secrets</b>: S foreign Secrets put into the Kubernetes API; k8s-syncer's and
 *       credential-injector's RSS before and after (plus a few lifecycles).</li>
 * </ol>
 * Run: {@code java -jar bench/target/bench.jar scale --help}.
 */
public final class ScaleBenchmark {

    enum Part { STORAGE, RELIST, SECRETS }

    static final ObjectMapper JSON = new ObjectMapper();
    static final String BROKER_NAME = "scale-broker";
    static final String AUTH_SECRET = "scale-broker-auth";
    static final String BROKER_NS = "default";
    static final String INSTANCE_LABEL_GROUP = "scale.example/group";
    static final String INSTANCE_LABEL_SHARD = "scale.example/shard";

    // options
    int instances = 100_000;
    int namespaces = 4;
    int concurrency = 16;
    int gets = 3000;
    int pageSize = 500;
    int planServices = 50;
    int plansPerService = 20;
    int secrets = 10_000;
    int secretBytes = 1024;
    int lifecycles = 5;
    Duration settle = Duration.ofSeconds(20);
    Set<Part> parts = EnumSet.allOf(Part.class);
    boolean profile;
    Path out = Path.of("bench-results/scale");

    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    final Map<String, Object> results = new LinkedHashMap<>();

    // the running stack
    LocalStack stack;
    String api;
    String kube;

    public static void main(String[] args) throws Exception {
        ScaleBenchmark b = new ScaleBenchmark();
        if (!b.parse(args)) {
            return;
        }
        System.exit(b.run());
    }

    boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--instances" -> instances = Integer.parseInt(args[++i]);
                case "--namespaces" -> namespaces = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--gets" -> gets = Integer.parseInt(args[++i]);
                case "--page-size" -> pageSize = Integer.parseInt(args[++i]);
                case "--plan-services" -> planServices = Integer.parseInt(args[++i]);
                case "--plans-per-service" -> plansPerService = Integer.parseInt(args[++i]);
                case "--secrets" -> secrets = Integer.parseInt(args[++i]);
                case "--secret-bytes" -> secretBytes = Integer.parseInt(args[++i]);
                case "--lifecycles" -> lifecycles = Integer.parseInt(args[++i]);
                case "--settle-s" -> settle = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--parts" -> {
                    parts = EnumSet.noneOf(Part.class);
                    for (String p : args[++i].split(",")) {
                        parts.add(Part.valueOf(p.trim().toUpperCase(Locale.ROOT)));
                    }
                }
                case "--out" -> out = Path.of(args[++i]);
                case "--profile" -> profile = true;
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: java -jar bench/target/bench.jar scale [options]
                              --parts P[,P]          storage, relist, secrets (default all three)
                              --instances N          ServiceInstances stored (default 100000)
                              --namespaces K         spread over K namespaces (default 4)
                              --concurrency C        concurrent POSTs while storing (default 16)
                              --gets G               random GETs timed (default 3000)
                              --page-size L          list limit (default 500)
                              --plan-services S      services in the big catalog (default 50)
                              --plans-per-service P  plans per service (default 20: 1000 plans)
                              --secrets N            foreign Secrets (default 10000)
                              --secret-bytes B       data per Secret (default 1024)
                              --lifecycles N         lifecycles driven before and after the Secrets (default 5)
                              --settle-s S           wait after the Secrets are in (default 20)
                              --out DIR              results directory (default bench-results/scale)
                              --profile              JFR recordings of catalog-api while storing and while reading
                                                     (<out>/catalog-api-*.jfr; jcmd must be on the PATH)
                            PostgreSQL: SERVICECATALOG_DB_HOST/_PORT/_USER/_PASSWORD (default 127.0.0.1:5432 postgres)""");
                    return false;
                }
                default -> throw new IllegalArgumentException("unknown option " + a + " (try scale --help)");
            }
        }
        if (instances < 1 || namespaces < 1 || concurrency < 1 || pageSize < 1 || planServices < 1
                || plansPerService < 1 || secrets < 0 || lifecycles < 1) {
            throw new IllegalArgumentException("sizes must be >= 1 (--secrets >= 0)");
        }
        return true;
    }

    int run() throws Exception {
        Files.createDirectories(out);
        results.put("started_at", Instant.now().toString());
        results.put("available_processors", Runtime.getRuntime().availableProcessors());
        results.put("note", "shared machine: absolute latencies are noisy; query plans are the evidence");
        if (parts.contains(Part.STORAGE)) {
            results.put("storage", storage());
        }
        if (parts.contains(Part.RELIST) || parts.contains(Part.SECRETS)) {
            mesh();
        }
        results.put("finished_at", Instant.now().toString());
        ScaleReport.write(out, results);
        return 0;
    }

    // ------------------------------------------------------------------ 1. storage

    Map<String, Object> storage() throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("instances", instances);
        r.put("namespaces", namespaces);
        r.put("page_size", pageSize);
        r.put("services_running", List.of(LocalStack.CATALOG_API));
        r.put("note", "catalog-api alone (no broker-gateway, no broker): the instances are stored and "
                + "stay unprovisioned, Ready=False for a class that does not exist");
        try (LocalStack s = startStack("storage", List.of(LocalStack.CATALOG_API))) {
            long catalogApiPid = s.service(LocalStack.CATALOG_API).pid();

            // store
            say("storing " + instances + " ServiceInstances over " + namespaces + " namespaces, " + concurrency
                    + " concurrent POSTs ...");
            AtomicInteger failed = new AtomicInteger();
            Samples post = new Samples();
            long t0 = System.nanoTime();
            AtomicInteger progress = new AtomicInteger();
            Jfr inserts = profile ? Jfr.start(catalogApiPid, "scale-inserts") : null;
            parallel(instances, concurrency, i -> {
                long t = System.nanoTime();
                HttpResponse<String> resp = apiQuietly("POST", "/namespaces/" + namespace(i) + "/serviceinstances",
                        instanceJson(i));
                if (resp == null || resp.statusCode() != 201) {
                    if (failed.incrementAndGet() <= 3) {
                        say("create " + instanceName(i) + " failed: "
                                + (resp == null ? "no response" : resp.statusCode() + " " + abbreviate(resp.body())));
                    }
                } else {
                    post.add(0, (System.nanoTime() - t) / 1e6);
                }
                int done = progress.incrementAndGet();
                if (done % 10_000 == 0) {
                    say(String.format(Locale.ROOT, "  %d stored, %.0f/s", done,
                            done / ((System.nanoTime() - t0) / 1e9)));
                }
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (inserts != null) {
                r.put("insert_profile", inserts.stop(out.resolve("catalog-api-inserts.jfr")));
            }
            r.put("insert_wall_s", Samples.round2(seconds));
            r.put("insert_per_s", Samples.round2((instances - failed.get()) / seconds));
            r.put("insert_failed", failed.get());
            r.put("insert_latency", post.summary());
            say(String.format(Locale.ROOT, "stored %d in %.1f s = %.0f inserts/s (%d failed)",
                    instances - failed.get(), seconds, (instances - failed.get()) / seconds, failed.get()));

            try (Connection db = s.postgres().connect(s.databaseName())) {
                awaitOutboxDrained(db);
                // What autovacuum does after a bulk load; done here so the plans do not depend on its timing.
                exec(db, "ANALYZE catalog_api.resources");
                r.put("table_size", tableSizes(db));

                // the timed reads (one at a time: latency, not throughput), after a warm-up of each path
                String ns0 = namespace(0);
                warmUp(ns0);
                Jfr reads = profile ? Jfr.start(catalogApiPid, "scale-reads") : null;
                Map<String, Object> lists = new LinkedHashMap<>();
                lists.put("namespaced_pages", pageThrough("/namespaces/" + ns0 + "/serviceinstances", null));
                lists.put("cluster_wide_pages", pageThrough("/serviceinstances", null));
                lists.put("label_selector_10pct_pages",
                        pageThrough("/namespaces/" + ns0 + "/serviceinstances", INSTANCE_LABEL_GROUP + "=g3"));
                lists.put("label_selector_1pct_cluster_wide_pages",
                        pageThrough("/serviceinstances", INSTANCE_LABEL_SHARD + "=s42"));
                r.put("lists", lists);
                r.put("gets", randomGets());
                r.put("whole_list", wholeList("/serviceinstances", catalogApiPid));
                if (reads != null) {
                    r.put("read_profile", reads.stop(out.resolve("catalog-api-reads.jfr")));
                }
                r.put("query_plans", QueryPlans.explainStorage(db, out, namespace(0), instanceName(instances / 2),
                        pageSize));
            }
            r.put("catalog_api_rss_mib", mib(ProcStats.rssKib(catalogApiPid)));
            r.put("catalog_api_peak_rss_mib", mib(ProcStats.peakRssKib(catalogApiPid)));
            say("stopping the storage stack ...");
        }
        return r;
    }

    String namespace(int i) {
        return "scale-" + (i % namespaces);
    }

    static String instanceName(int i) {
        return String.format(Locale.ROOT, "si-%07d", i);
    }

    String instanceJson(int i) {
        return """
                {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ServiceInstance",
                 "metadata":{"name":"%s","namespace":"%s","labels":{"%s":"g%d","%s":"s%d"}},
                 "spec":{"clusterServiceClassExternalName":"scale-absent-class","clusterServicePlanExternalName":"default"}}"""
                .formatted(instanceName(i), namespace(i), INSTANCE_LABEL_GROUP, (i / namespaces) % 10, INSTANCE_LABEL_SHARD,
                        (i / namespaces) % 100);
    }

    /** Every page of a list, timed one by one. */
    Map<String, Object> pageThrough(String path, String labelSelector) throws Exception {
        Samples pages = new Samples();
        String token = null;
        int items = 0;
        int n = 0;
        long t0 = System.nanoTime();
        do {
            StringBuilder q = new StringBuilder(path).append("?limit=").append(pageSize);
            if (labelSelector != null) {
                q.append("&labelSelector=").append(URLEncoder.encode(labelSelector, StandardCharsets.UTF_8));
            }
            if (token != null) {
                q.append("&continue=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
            }
            long t = System.nanoTime();
            HttpResponse<String> resp = api("GET", q.toString(), null);
            double ms = (System.nanoTime() - t) / 1e6;
            expect(resp, 200);
            JsonNode list = JSON.readTree(resp.body());
            items += list.path("items").size();
            JsonNode cont = list.path("metadata").path("continue");
            token = cont.isTextual() && !cont.asText().isEmpty() ? cont.asText() : null;
            pages.add(0, ms);
            n++;
        } while (token != null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        if (labelSelector != null) {
            m.put("label_selector", labelSelector);
        }
        m.put("pages", n);
        m.put("items", items);
        m.put("total_s", Samples.round2(seconds));
        m.put("page_latency", pages.summary());
        say(String.format(Locale.ROOT, "list %s%s: %d pages, %d items, %.1f s, page p50/p95/p99 %s/%s/%s ms",
                path, labelSelector == null ? "" : " [" + labelSelector + "]", n, items, seconds,
                pages.summary().get("p50_ms"), pages.summary().get("p95_ms"), pages.summary().get("p99_ms")));
        return m;
    }

    /**
     * Every instance in one answer, as a plain {@code curl} without {@code limit} asks: catalog-api
     * streams it page by page, so its memory must not grow with the list. Read here as a stream
     * too (items counted by a streaming parser), and timed to the first byte and to the end.
     */
    Map<String, Object> wholeList(String path, long catalogApiPid) throws Exception {
        double rssBefore = mib(ProcStats.rssKib(catalogApiPid));
        HttpRequest req = HttpRequest.newBuilder(URI.create(api + path))
                .timeout(Duration.ofMinutes(10)).header("Accept", "application/json")
                .header("Authorization", "Bearer " + stack.adminToken()).GET().build();
        long t0 = System.nanoTime();
        HttpResponse<java.io.InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        double firstByteMs = (System.nanoTime() - t0) / 1e6;
        long items = 0;
        long bytes;
        try (var parser = JSON.getFactory().createParser(resp.body())) {
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("whole list: HTTP " + resp.statusCode());
            }
            parser.nextToken(); // the list object
            while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                boolean isItems = "items".equals(parser.currentName());
                parser.nextToken();
                if (isItems) {
                    while (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                        items++;
                        parser.skipChildren();
                    }
                } else {
                    parser.skipChildren();
                }
            }
            bytes = parser.currentLocation().getByteOffset();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rssAfter = mib(ProcStats.rssKib(catalogApiPid));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("items", items);
        m.put("mib", Samples.round2(bytes / 1048576.0));
        m.put("first_byte_ms", Samples.round2(firstByteMs));
        m.put("total_s", Samples.round2(seconds));
        m.put("catalog_api_rss_before_mib", rssBefore);
        m.put("catalog_api_rss_after_mib", rssAfter);
        m.put("catalog_api_peak_rss_mib", mib(ProcStats.peakRssKib(catalogApiPid)));
        say(String.format(Locale.ROOT, "whole list %s (no limit): %d items, %.0f MiB, first byte %.0f ms, %.1f s; "
                + "catalog-api RSS %.0f -> %.0f MiB", path, items, bytes / 1048576.0, firstByteMs, seconds, rssBefore, rssAfter));
        return m;
    }

    /** A few unmeasured pages and gets first: the services run with C1 only and start cold. */
    void warmUp(String ns) throws Exception {
        for (int k = 0; k < 20; k++) {
            expect(api("GET", "/namespaces/" + ns + "/serviceinstances?limit=" + pageSize, null), 200);
            expect(api("GET", "/serviceinstances?limit=" + pageSize + "&labelSelector="
                    + URLEncoder.encode(INSTANCE_LABEL_SHARD + "=s1", StandardCharsets.UTF_8), null), 200);
        }
        for (int k = 0; k < 200; k++) {
            expect(api("GET", "/namespaces/" + namespace(k) + "/serviceinstances/" + instanceName(k), null), 200);
        }
    }

    Map<String, Object> randomGets() throws Exception {
        Random random = new Random(42);
        Samples s = new Samples();
        for (int k = 0; k < gets; k++) {
            int i = random.nextInt(instances);
            long t = System.nanoTime();
            HttpResponse<String> resp = api("GET", "/namespaces/" + namespace(i) + "/serviceinstances/"
                    + instanceName(i), null);
            double ms = (System.nanoTime() - t) / 1e6;
            expect(resp, 200);
            s.add(0, ms);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", gets);
        m.put("latency", s.summary());
        say("random GETs: " + s.summary());
        return m;
    }

    void awaitOutboxDrained(Connection db) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        long pending;
        while ((pending = queryLong(db, "select count(*) from catalog_api.outbox where published_at is null")) > 0) {
            if (System.nanoTime() > deadline) {
                say("outbox still has " + pending + " unpublished rows; measuring anyway");
                return;
            }
            Thread.sleep(1000);
        }
    }

    static Map<String, Object> tableSizes(Connection db) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String t : List.of("resources", "outbox")) {
            m.put(t + "_rows", queryLong(db, "select count(*) from catalog_api." + t));
            m.put(t + "_total_mib", Samples.round(queryLong(db,
                    "select pg_total_relation_size('catalog_api." + t + "')") / 1048576.0));
        }
        return m;
    }

    // ------------------------------------------------------------------ 2 + 3. the full mesh

    void mesh() throws Exception {
        List<String> services = List.of(LocalStack.CATALOG_API, LocalStack.BROKER_GATEWAY,
                LocalStack.CREDENTIAL_INJECTOR, LocalStack.K8S_SYNCER);
        try (InMemoryBroker broker = new InMemoryBroker(InMemoryBroker.Variant.FAST, 16).start();
             LocalStack s = startStack("mesh", services)) {
            BigCatalog catalog = new BigCatalog(planServices, plansPerService);
            broker.catalog(catalog.json());
            try (Connection db = s.postgres().connect(s.databaseName())) {
                long t0 = System.nanoTime();
                registerBroker(broker, db, catalog.planCount());
                Map<String, Object> relist = new LinkedHashMap<>();
                relist.put("services", planServices);
                relist.put("plans", catalog.planCount());
                relist.put("register_to_ready_s", Samples.round2((System.nanoTime() - t0) / 1e9));
                if (parts.contains(Part.RELIST)) {
                    relist.put("unchanged", relist(broker, db, "unchanged catalog", () -> { }));
                    relist.put("one_plan_changed", relist(broker, db, "one plan's description changed", () -> {
                        catalog.changeDescription(planServices / 2, plansPerService / 2,
                                "changed at " + Instant.now());
                        broker.catalog(catalog.json());
                    }));
                    relist.put("target", "only the changed plan written (plus the broker's own status)");
                    results.put("relist", relist);
                }
                if (parts.contains(Part.SECRETS)) {
                    results.put("secrets", foreignSecrets(s, services, catalog));
                }
            }
            say("stopping the mesh ...");
        }
    }

    void registerBroker(InMemoryBroker broker, Connection db, int plans) throws Exception {
        String user = Base64.getEncoder().encodeToString(InMemoryBroker.USERNAME.getBytes(StandardCharsets.UTF_8));
        String pass = Base64.getEncoder().encodeToString(InMemoryBroker.PASSWORD.getBytes(StandardCharsets.UTF_8));
        expect(kube("POST", "/api/v1/namespaces/" + BROKER_NS + "/secrets", """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"%s","namespace":"%s"},
                 "type":"Opaque","data":{"username":"%s","password":"%s"}}"""
                .formatted(AUTH_SECRET, BROKER_NS, user, pass)), 200, 201);
        expect(api("POST", "/clusterservicebrokers", """
                {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ClusterServiceBroker",
                 "metadata":{"name":"%s"},
                 "spec":{"url":"%s","relistBehavior":"Manual",
                         "authInfo":{"basic":{"secretRef":{"namespace":"%s","name":"%s"}}}}}"""
                .formatted(BROKER_NAME, broker.url(), BROKER_NS, AUTH_SECRET)), 201);
        awaitTrue("broker Ready", Duration.ofMinutes(5), () -> brokerReady());
        awaitTrue(plans + " plans stored", Duration.ofMinutes(2), () -> {
            try {
                return queryLong(db, "select count(*) from catalog_api.resources where kind = 'ClusterServicePlan'")
                        == plans;
            } catch (SQLException e) {
                return false;
            }
        });
        say("broker with " + plans + " plans registered and Ready");
    }

    boolean brokerReady() {
        JsonNode b = apiJson("/clusterservicebrokers/" + BROKER_NAME);
        if (b == null) {
            return false;
        }
        for (JsonNode c : b.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText());
            }
        }
        return false;
    }

    /** Relists the broker after {@code change} and counts what the relist wrote. */
    Map<String, Object> relist(InMemoryBroker broker, Connection db, String what, Runnable change) throws Exception {
        JsonNode before = apiJson("/clusterservicebrokers/" + BROKER_NAME);
        String lastRetrieval = before.path("status").path("lastCatalogRetrievalTime").asText("");
        long relistRequests = before.path("spec").path("relistRequests").asLong(0);
        awaitOutboxDrained(db);
        change.run();
        // lastCatalogRetrievalTime has a resolution of a second: make sure the next one differs.
        Thread.sleep(1100);
        WriteCounters start = WriteCounters.read(db);
        long catalogCallsBefore = broker.catalogRequests.get();
        long t0 = System.nanoTime();
        expect(api("PATCH", "/clusterservicebrokers/" + BROKER_NAME,
                "{\"spec\":{\"relistRequests\":" + (relistRequests + 1) + "}}",
                "application/merge-patch+json"), 200);
        awaitTrue("relist of " + what, Duration.ofMinutes(3), () -> {
            JsonNode b = apiJson("/clusterservicebrokers/" + BROKER_NAME);
            return b != null && !lastRetrieval.equals(b.path("status").path("lastCatalogRetrievalTime").asText(""))
                    && brokerReady();
        });
        double relistSeconds = (System.nanoTime() - t0) / 1e9;
        // PostgreSQL flushes a backend's table statistics at most every second, and an idle one's
        // within 10 s: wait that out so the deltas are complete.
        Thread.sleep(11_000);
        Map<String, Object> m = WriteCounters.since(db, start);
        m.put("relist_to_ready_s", Samples.round2(relistSeconds));
        m.put("catalog_fetches", broker.catalogRequests.get() - catalogCallsBefore);
        say("relist (" + what + "): " + m);
        return m;
    }

    Map<String, Object> foreignSecrets(LocalStack s, List<String> services, BigCatalog catalog) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("secrets", secrets);
        r.put("secret_bytes", secretBytes);
        Lifecycles driver = new Lifecycles(catalog.serviceName(0), catalog.planName(0, 0));
        driver.run("warm", lifecycles);
        Thread.sleep(settle.toMillis());
        Map<String, Object> before = rssOf(s, services);
        r.put("before", before);

        say("putting " + secrets + " foreign Secrets (" + secretBytes + " bytes each, no servicecatalog labels) "
                + "into the Kubernetes API ...");
        Random random = new Random(7);
        byte[] blob = new byte[secretBytes * 3 / 4];
        random.nextBytes(blob);
        String data = Base64.getEncoder().encodeToString(blob);
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        parallel(secrets, 8, i -> {
            String ns = i % 4 == 0 ? "default" : "foreign-" + (i % 4);
            HttpResponse<String> resp = kubeQuietly("POST", "/api/v1/namespaces/" + ns + "/secrets", """
                    {"apiVersion":"v1","kind":"Secret","metadata":{"name":"foreign-%06d","namespace":"%s",
                     "labels":{"app":"unrelated","tier":"t%d"}},"type":"Opaque","data":{"blob":"%s"}}"""
                    .formatted(i, ns, i % 7, data));
            if (resp == null || resp.statusCode() / 100 != 2) {
                failed.incrementAndGet();
            }
        });
        r.put("create_s", Samples.round2((System.nanoTime() - t0) / 1e9));
        r.put("create_failed", failed.get());
        say("... done in " + r.get("create_s") + " s; settling " + settle.toSeconds() + " s, then "
                + lifecycles + " lifecycles");
        Thread.sleep(settle.toMillis());
        r.put("lifecycles_after", driver.run("after", lifecycles));
        Thread.sleep(settle.toMillis());
        Map<String, Object> after = rssOf(s, services);
        r.put("after", after);
        Map<String, Object> delta = new LinkedHashMap<>();
        for (String svc : services) {
            double b = (Double) ((Map<?, ?>) before.get(svc)).get("rss_mib");
            double a = (Double) ((Map<?, ?>) after.get(svc)).get("rss_mib");
            delta.put(svc, Samples.round(100.0 * (a - b) / b));
        }
        r.put("rss_delta_pct", delta);
        r.put("target", "k8s-syncer and credential-injector RSS flat (within ±10%), every service <= 200 MiB");
        say("RSS delta (%) with " + secrets + " foreign Secrets: " + delta);
        return r;
    }

    static Map<String, Object> rssOf(LocalStack s, List<String> services) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String svc : services) {
            long pid = s.service(svc).pid();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("rss_mib", mib(ProcStats.rssKib(pid)));
            p.put("peak_rss_mib", mib(ProcStats.peakRssKib(pid)));
            m.put(svc, p);
        }
        return m;
    }

    /** Full instance/binding lifecycles one at a time, against a plan of the big catalog. */
    final class Lifecycles {
        final String serviceName;
        final String planName;

        Lifecycles(String serviceName, String planName) {
            this.serviceName = serviceName;
            this.planName = planName;
        }

        Map<String, Object> run(String prefix, int n) throws Exception {
            Samples s = new Samples();
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                one(prefix + "-" + i);
                s.add(0, (System.nanoTime() - t) / 1e6);
            }
            return s.summary();
        }

        void one(String id) throws Exception {
            String ns = "default";
            String inst = "scale-i-" + id;
            String bind = "scale-b-" + id;
            String secret = "scale-s-" + id;
            String instPath = "/namespaces/" + ns + "/serviceinstances/" + inst;
            String bindPath = "/namespaces/" + ns + "/servicebindings/" + bind;
            expect(api("POST", "/namespaces/" + ns + "/serviceinstances", """
                    {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ServiceInstance",
                     "metadata":{"name":"%s","namespace":"%s"},
                     "spec":{"clusterServiceClassExternalName":"%s","clusterServicePlanExternalName":"%s"}}"""
                    .formatted(inst, ns, serviceName, planName)), 201);
            awaitTrue(inst + " Ready", Duration.ofMinutes(2), () -> ready(instPath));
            expect(api("POST", "/namespaces/" + ns + "/servicebindings", """
                    {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ServiceBinding",
                     "metadata":{"name":"%s","namespace":"%s"},
                     "spec":{"instanceRef":{"name":"%s"},"secretName":"%s"}}"""
                    .formatted(bind, ns, inst, secret)), 201);
            awaitTrue(secret + " present", Duration.ofMinutes(2), () -> {
                HttpResponse<String> r = kubeQuietly("GET", "/api/v1/namespaces/" + ns + "/secrets/" + secret, null);
                return r != null && r.statusCode() == 200;
            });
            awaitTrue(bind + " Ready", Duration.ofMinutes(2), () -> ready(bindPath));
            expect(api("DELETE", bindPath, null), 200, 202);
            awaitTrue(bind + " gone", Duration.ofMinutes(2), () -> status(bindPath) == 404);
            expect(api("DELETE", instPath, null), 200, 202);
            awaitTrue(inst + " gone", Duration.ofMinutes(2), () -> status(instPath) == 404);
        }
    }

    /** An OSB catalog of services × plans whose plan descriptions can be changed one at a time. */
    static final class BigCatalog {
        final int services;
        final int plansPerService;
        final String[][] descriptions;

        BigCatalog(int services, int plansPerService) {
            this.services = services;
            this.plansPerService = plansPerService;
            this.descriptions = new String[services][plansPerService];
            for (int s = 0; s < services; s++) {
                for (int p = 0; p < plansPerService; p++) {
                    descriptions[s][p] = "plan " + p + " of scale service " + s;
                }
            }
        }

        int planCount() {
            return services * plansPerService;
        }

        String serviceName(int s) {
            return String.format(Locale.ROOT, "scale-svc-%03d", s);
        }

        String planName(int s, int p) {
            return String.format(Locale.ROOT, "plan-%03d", p);
        }

        synchronized void changeDescription(int s, int p, String description) {
            descriptions[s][p] = description;
        }

        synchronized String json() {
            ObjectNode root = JSON.createObjectNode();
            ArrayNode svcs = root.putArray("services");
            for (int s = 0; s < services; s++) {
                ObjectNode svc = svcs.addObject();
                svc.put("id", String.format(Locale.ROOT, "6c0ffee0-0000-4000-8000-%012d", s))
                        .put("name", serviceName(s))
                        .put("description", "scale benchmark service " + s)
                        .put("bindable", true)
                        .put("plan_updateable", false);
                svc.putArray("tags").add("scale");
                ArrayNode plans = svc.putArray("plans");
                for (int p = 0; p < plansPerService; p++) {
                    ObjectNode plan = plans.addObject();
                    plan.put("id", String.format(Locale.ROOT, "6c0ffee0-%04d-4000-8000-%012d", p, s))
                            .put("name", planName(s, p))
                            .put("description", descriptions[s][p])
                            .put("free", p % 2 == 0)
                            .put("bindable", true);
                    plan.putObject("metadata").put("displayName", "Plan " + p).putArray("bullets")
                            .add("bullet one").add("bullet two");
                }
            }
            return root.toString();
        }
    }

    // ------------------------------------------------------------------ the stack

    LocalStack startStack(String name, List<String> services) {
        String db = "sc_scale_" + name + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Postgres pg = Postgres.external(env("SERVICECATALOG_DB_HOST", "127.0.0.1"),
                Integer.parseInt(env("SERVICECATALOG_DB_PORT", "5432")),
                env("SERVICECATALOG_DB_USER", "postgres"), env("SERVICECATALOG_DB_PASSWORD", ""));
        say("starting " + services + " in database " + db + " ...");
        LocalStack.Builder builder = LocalStack.builder()
                .randomPorts(true)
                .postgres(pg)
                .databaseName(db)
                .logDir(out.resolve("logs-" + name))
                .services(services)
                // generous: on a loaded machine a service's start can take minutes
                .readyTimeout(Duration.ofMinutes(6));
        // the memory a cluster gives them: the manifests' JVM options
        io.servicecatalog.localstack.ManifestJvmOptions.of(services).forEach(builder::jvmOptions);
        LocalStack s = builder.build();
        s.start();
        stack = s;
        api = s.catalogApiRestBase();
        kube = s.kubernetesApiUrl();
        return s;
    }

    // ------------------------------------------------------------------ HTTP

    /**
     * Every call to catalog-api goes through here (path relative to the REST base), so catalog-api's
     * authentication is added in one place.
     */
    HttpResponse<String> api(String method, String path, String jsonBody) throws IOException, InterruptedException {
        return api(method, path, jsonBody, "application/json");
    }

    HttpResponse<String> api(String method, String path, String body, String contentType)
            throws IOException, InterruptedException {
        return send(method, api + path, body, contentType);
    }

    HttpResponse<String> apiQuietly(String method, String path, String jsonBody) {
        try {
            return api(method, path, jsonBody);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    JsonNode apiJson(String path) {
        HttpResponse<String> r = apiQuietly("GET", path, null);
        if (r == null || r.statusCode() != 200) {
            return null;
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            return null;
        }
    }

    int status(String path) {
        HttpResponse<String> r = apiQuietly("GET", path, null);
        return r == null ? -1 : r.statusCode();
    }

    boolean ready(String path) {
        JsonNode o = apiJson(path);
        if (o == null) {
            return false;
        }
        for (JsonNode c : o.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText());
            }
        }
        return false;
    }

    HttpResponse<String> kube(String method, String path, String jsonBody) throws IOException, InterruptedException {
        return send(method, kube + path, jsonBody, "application/json");
    }

    HttpResponse<String> kubeQuietly(String method, String path, String jsonBody) {
        try {
            return kube(method, path, jsonBody);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private HttpResponse<String> send(String method, String url, String body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (stack != null && url.startsWith(stack.catalogApiUrl())) {
            b.header("Authorization", "Bearer " + stack.adminToken()); // catalog-api authenticates every call
        }
        if (body != null) {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------ helpers

    static void parallel(int n, int threads, IntConsumer task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                fs.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        task.accept(i);
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static void expect(HttpResponse<String> r, int... statuses) {
        for (int s : statuses) {
            if (r.statusCode() == s) {
                return;
            }
        }
        throw new IllegalStateException(r.request().method() + " " + r.uri() + " -> " + r.statusCode() + ": "
                + abbreviate(r.body()));
    }

    static String abbreviate(String body) {
        String b = body == null ? "" : body;
        return b.length() > 300 ? b.substring(0, 300) + "..." : b;
    }

    static long queryLong(Connection db, String sql) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void exec(Connection db, String sql) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute(sql);
        }
    }

    static double mib(long kib) {
        return kib < 0 ? -1 : Samples.round(kib / 1024.0);
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    static void say(String line) {
        System.out.println("[scale] " + line);
    }
}
