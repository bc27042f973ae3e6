package io.servicecatalog.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.servicecatalog.localstack.LocalStack;
import io.servicecatalog.localstack.ManifestJvmOptions;
import io.servicecatalog.localstack.Postgres;
import io.servicecatalog.localstack.ServiceProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Drives N full instance/binding lifecycles through the real mesh (catalog-api's REST API,
 * broker-gateway, credential-injector, k8s-syncer as separate processes, Kafka, PostgreSQL, the
 * Kubernetes API stand-in) against an in-memory OSB broker in this JVM, and the same N lifecycles
 * as raw OSB calls straight to that broker; prints and writes throughput, latency percentiles,
 * errors and per-service peak RSS / CPU time.
 *
 * <p>A main class run on demand, never a test: {@code java -jar bench/target/bench.jar --help}.
 */
public final class LifecycleBenchmark {

    static final String NS = "default";
    static final String BROKER_NAME = "bench-broker";
    static final String AUTH_SECRET = "bench-broker-auth";
    static final List<String> MESH = List.of(LocalStack.CATALOG_API, LocalStack.BROKER_GATEWAY,
            LocalStack.CREDENTIAL_INJECTOR, LocalStack.K8S_SYNCER);
    static final ObjectMapper JSON = new ObjectMapper();

    // options
    int lifecycles = 50;
    int concurrency = 8;
    int warmup = 4;
    InMemoryBroker.Variant variant = InMemoryBroker.Variant.FAST;
    Path out = Path.of("bench-results");
    Duration stepTimeout = Duration.ofSeconds(60);
    long statusPollMillis = 10;
    long gatewayPollMillis = 100;
    boolean withSyncer = true;
    boolean skipDirect;
    boolean directOnly;
    /** Open-loop offered load (lifecycles started per second); 0 = closed loop at --concurrency. */
    double rate;
    int gatewayReplicas = 1;
    final Map<String, Map<String, String>> serviceProperties = new LinkedHashMap<>();
    List<String> jvmOptions;

    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    // mesh state
    LocalStack stack;
    String api;
    String kube;
    WatchObserver instances;
    WatchObserver bindings;
    /** Secrets in the Kubernetes API stand-in, followed by a watch as the instances and bindings are. */
    SecretArrivals secrets;
    final List<ServiceProcess> extraReplicas = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        LifecycleBenchmark b = new LifecycleBenchmark();
        if (!b.parse(args)) {
            return;
        }
        System.setProperty("java.awt.headless", "true");
        int code = b.run();
        System.exit(code);
    }

    boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--lifecycles" -> lifecycles = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--broker" -> variant = InMemoryBroker.Variant.parse(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--step-timeout-s" -> stepTimeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--status-poll-ms" -> statusPollMillis = Long.parseLong(args[++i]);
                case "--gateway-poll-ms" -> gatewayPollMillis = Long.parseLong(args[++i]);
                case "--no-syncer" -> withSyncer = false;
                case "--skip-direct" -> skipDirect = true;
                case "--direct-only" -> directOnly = true;
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--gateway-replicas" -> gatewayReplicas = Integer.parseInt(args[++i]);
                case "--service-property" -> {
                    String spec = args[++i];
                    int colon = spec.indexOf(':');
                    int eq = spec.indexOf('=', colon + 1);
                    if (colon < 1 || eq < 0) {
                        throw new IllegalArgumentException("--service-property wants service:key=value, got " + spec);
                    }
                    serviceProperties.computeIfAbsent(spec.substring(0, colon), k -> new LinkedHashMap<>())
                            .put(spec.substring(colon + 1, eq), spec.substring(eq + 1));
                }
                case "--jvm-options" -> jvmOptions = List.of(args[++i].trim().split("\\s+"));
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: java -jar bench/target/bench.jar [options]
                              --lifecycles N       measured lifecycles (default 50)
                              --concurrency C      lifecycles in flight at once (default 8)
                              --warmup W           unmeasured lifecycles first (default 4)
                              --broker V           fast | slow50 | async2 (default fast)
                              --out DIR            results directory (default bench-results)
                              --step-timeout-s S   give up a step after S seconds (default 60)
                              --status-poll-ms M   how often the driver polls where it does not watch (set-up) (default 10)
                              --gateway-poll-ms M  broker-gateway's last_operation interval, also used by the
                                                   direct run (default 100)
                              --no-syncer          do not start k8s-syncer
                              --skip-direct        do not measure the broker directly
                              --direct-only        only the direct-to-broker run (no mesh; a quick check)
                              --rate R             open loop: start R lifecycles per second whatever the mesh
                                                   does (--concurrency then caps lifecycles in flight)
                              --gateway-replicas N run N broker-gateway processes (default 1)
                              --service-property S:K=V  extra configuration for service S (repeatable)
                              --jvm-options "..."  JVM options of the services (default: the k8s manifests')
                            PostgreSQL: SERVICECATALOG_DB_HOST/_PORT/_USER/_PASSWORD (default 127.0.0.1:5432 postgres)""");
                    return false;
                }
                default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
            }
        }
        if (skipDirect && directOnly) {
            throw new IllegalArgumentException("--skip-direct and --direct-only exclude each other");
        }
        if (lifecycles < 1 || concurrency < 1) {
            throw new IllegalArgumentException("--lifecycles and --concurrency must be >= 1");
        }
        return true;
    }

    int run() throws Exception {
        Files.createDirectories(out);
        say("broker variant " + variant.name().toLowerCase() + ", " + lifecycles + " lifecycles, concurrency "
                + concurrency + ", warm-up " + warmup + ", results in " + out.toAbsolutePath());
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("started_at", Instant.now().toString());
        results.put("broker", variant.name().toLowerCase());
        results.put("lifecycles", lifecycles);
        results.put("concurrency", concurrency);
        results.put("warmup", warmup);
        results.put("status_poll_ms", statusPollMillis);
        results.put("gateway_poll_ms", gatewayPollMillis);
        results.put("offered_rate_per_s", rate);
        results.put("gateway_replicas", gatewayReplicas);
        results.put("available_processors", Runtime.getRuntime().availableProcessors());

        try (InMemoryBroker broker = new InMemoryBroker(variant, Math.max(64, concurrency * 4)).start()) {
            say("in-memory OSB broker at " + broker.url());

            // 1. Direct: the same lifecycles as raw OSB calls, before the mesh runs (nothing else busy).
            Map<String, Object> direct = null;
            if (!skipDirect) {
                DirectRun d = new DirectRun(broker);
                d.drive(Math.min(warmup, lifecycles), "warm");
                direct = d.drive(lifecycles, "d");
                results.put("direct", direct);
                say(String.format(Locale.ROOT, "direct to broker: %.2f lifecycles/s, %s errors, lifecycle %s",
                        direct.get("lifecycles_per_s"), direct.get("errors"), direct.get("lifecycle")));
            }
            if (directOnly) {
                results.put("broker_requests", broker.requests.get());
                Files.writeString(out.resolve("direct.json"), new ObjectMapper()
                        .writerWithDefaultPrettyPrinter().writeValueAsString(results));
                say("wrote " + out.resolve("direct.json"));
                return 0;
            }

            // 2. The mesh.
            String db = "sc_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            Postgres pg = Postgres.external(env("SERVICECATALOG_DB_HOST", "127.0.0.1"),
                    Integer.parseInt(env("SERVICECATALOG_DB_PORT", "5432")),
                    env("SERVICECATALOG_DB_USER", "postgres"), env("SERVICECATALOG_DB_PASSWORD", ""));
            List<String> services = new ArrayList<>(MESH);
            if (!withSyncer) {
                services.remove(LocalStack.K8S_SYNCER);
            }
            LocalStack.Builder builder = LocalStack.builder()
                    .randomPorts(true)
                    .postgres(pg)
                    .databaseName(db)
                    .logDir(out.resolve("logs"))
                    .services(services)
                    .serviceProperty(LocalStack.BROKER_GATEWAY, "servicecatalog.polling.initial-interval",
                            gatewayPollMillis + "ms")
                    .serviceProperty(LocalStack.BROKER_GATEWAY, "servicecatalog.polling.max-interval",
                            gatewayPollMillis + "ms");
            serviceProperties.forEach(builder::serviceProperties);
            if (jvmOptions != null) {
                builder.jvmOptions(jvmOptions);
            } else {
                // what a cluster runs: each service's JAVA_TOOL_OPTIONS from its k8s Deployment
                ManifestJvmOptions.of(services).forEach(builder::jvmOptions);
            }
            long t0 = System.nanoTime();
            try (LocalStack s = builder.build()) {
                stack = s;
                s.start();
                for (int r = 2; r <= gatewayReplicas; r++) {
                    extraReplicas.add(startGatewayReplica(s, r));
                }
                results.put("mesh_startup_ms", (System.nanoTime() - t0) / 1_000_000);
                api = s.catalogApiRestBase();
                kube = s.kubernetesApiUrl();
                registerBroker(broker);
                instances = new WatchObserver(http, api + "/namespaces/" + NS + "/serviceinstances", this::request)
                        .start(Duration.ofSeconds(30));
                bindings = new WatchObserver(http, api + "/namespaces/" + NS + "/servicebindings", this::request)
                        .start(Duration.ofSeconds(30));
                secrets = new SecretArrivals(s.kubernetes() != null ? s.kubernetes().client()
                        : io.servicecatalog.localstack.KubernetesApiStandIn.newClient(kube), NS);

                Map<String, long[]> cpuBefore = new LinkedHashMap<>();
                MeshRun warm = new MeshRun("w");
                warm.drive(Math.min(warmup, lifecycles));
                Map<String, ServiceProcess> measured = new LinkedHashMap<>();
                for (String svc : services) {
                    measured.put(svc, s.service(svc));
                }
                for (int r = 0; r < extraReplicas.size(); r++) {
                    measured.put(LocalStack.BROKER_GATEWAY + "-" + (r + 2), extraReplicas.get(r));
                }
                Map<String, ThreadCpu> threadsBefore = new LinkedHashMap<>();
                for (Map.Entry<String, ServiceProcess> e : measured.entrySet()) {
                    cpuBefore.put(e.getKey(), new long[]{ProcStats.cpuMillis(e.getValue().pid())});
                    threadsBefore.put(e.getKey(), ThreadCpu.start(Long.toString(e.getValue().pid())));
                }
                long selfCpuBefore = ProcStats.cpuMillis(ProcessHandle.current().pid());
                ThreadCpu selfThreads = ThreadCpu.start();
                KafkaRecords kafkaRecords = KafkaRecords.start(s.kafkaBootstrap());
                if (s.kubernetes() != null) {
                    s.kubernetes().drainRequests();
                }
                MeshRun mesh = new MeshRun("m");
                Map<String, Object> meshResults = mesh.drive(lifecycles);
                results.put("mesh", meshResults);

                Map<String, Object> proc = new LinkedHashMap<>();
                for (String svc : measured.keySet()) {
                    ServiceProcess p = measured.get(svc);
                    long pid = p.pid();
                    long cpu = ProcStats.cpuMillis(pid);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("pid", pid);
                    m.put("peak_rss_mib", mib(ProcStats.peakRssKib(pid)));
                    m.put("rss_mib", mib(ProcStats.rssKib(pid)));
                    m.put("cpu_ms_total", cpu);
                    m.put("cpu_ms_measured_run", cpu - cpuBefore.get(svc)[0]);
                    Map<String, Long> threads = threadsBefore.get(svc).stop(12);
                    m.put("cpu_ms_measured_run_by_thread_group", threads);
                    say(svc + " CPU (ms) in the measured run by thread group: " + threads);
                    proc.put(svc, m);
                }
                long self = ProcessHandle.current().pid();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("pid", self);
                m.put("peak_rss_mib", mib(ProcStats.peakRssKib(self)));
                m.put("rss_mib", mib(ProcStats.rssKib(self)));
                m.put("cpu_ms_total", ProcStats.cpuMillis(self));
                m.put("cpu_ms_measured_run", ProcStats.cpuMillis(self) - selfCpuBefore);
                m.put("note", "benchmark JVM: embedded Kafka + Kubernetes stand-in + broker + driver");
                Map<String, Long> byThreads = selfThreads.stop(20);
                m.put("cpu_ms_measured_run_by_thread_group", byThreads);
                say("benchmark JVM CPU (ms) in the measured run by thread group: " + byThreads);
                Map<String, Long> records = kafkaRecords.stop();
                long recordCount = records.values().stream().mapToLong(Long::longValue).sum();
                results.put("kafka_records_by_topic", records);
                results.put("kafka_records_per_lifecycle", Samples.round2((double) recordCount / lifecycles));
                say(String.format(java.util.Locale.ROOT, "Kafka: %d records in the measured run, %.1f per lifecycle: %s",
                        recordCount, (double) recordCount / lifecycles, records));
                if (s.kubernetes() != null) {
                    Map<String, Integer> byPath = s.kubernetes().drainRequests();
                    int kubeRequests = byPath.values().stream().mapToInt(Integer::intValue).sum();
                    results.put("kubernetes_api_requests_per_lifecycle", Samples.round2((double) kubeRequests / lifecycles));
                    say(String.format(java.util.Locale.ROOT, "Kubernetes API stand-in: %d requests in the measured run, %.1f per lifecycle",
                            kubeRequests, (double) kubeRequests / lifecycles));
                    results.put("kubernetes_api_requests_by_path", byPath);
                    byPath.forEach((k, v) -> say(String.format(java.util.Locale.ROOT, "  %-90s %6d  %.1f/lifecycle", k, v, (double) v / lifecycles)));
                }
                proc.put("bench-jvm", m);
                results.put("processes", proc);

                if (direct != null) {
                    double ratio = (Double) meshResults.get("lifecycles_per_s") / (Double) direct.get("lifecycles_per_s");
                    results.put("mesh_over_direct", Math.round(ratio * 1000) / 1000.0);
                }
                results.put("broker_requests", broker.requests.get());
                results.put("broker_unauthorized", broker.unauthorized.get());
                results.put("finished_at", Instant.now().toString());
                Report.write(out, results, mesh.createReady.all(), mesh.bindSecret.all());
                say("stopping the mesh ...");
                instances.close();
                bindings.close();
                secrets.close();
                extraReplicas.forEach(ServiceProcess::stop);
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------ setup

    void registerBroker(InMemoryBroker broker) throws Exception {
        String user = Base64.getEncoder().encodeToString(InMemoryBroker.USERNAME.getBytes(StandardCharsets.UTF_8));
        String pass = Base64.getEncoder().encodeToString(InMemoryBroker.PASSWORD.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = send("POST", kube + "/api/v1/namespaces/" + NS + "/secrets", """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"%s","namespace":"%s"},
                 "type":"Opaque","data":{"username":"%s","password":"%s"}}""".formatted(AUTH_SECRET, NS, user, pass));
        expect(r, 200, 201);
        r = send("POST", api + "/clusterservicebrokers", """
                {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ClusterServiceBroker",
                 "metadata":{"name":"%s"},
                 "spec":{"url":"%s","authInfo":{"basic":{"secretRef":{"namespace":"%s","name":"%s"}}}}}"""
                .formatted(BROKER_NAME, broker.url(), NS, AUTH_SECRET));
        expect(r, 201);
        awaitTrue("broker Ready", Duration.ofSeconds(120), () -> ready(api + "/clusterservicebrokers/" + BROKER_NAME));
        awaitTrue("plan listed", Duration.ofSeconds(60), () -> {
            HttpResponse<String> p = sendQuietly("GET", api + "/clusterserviceplans", null);
            return p != null && p.statusCode() == 200 && p.body().contains(InMemoryBroker.PLAN_NAME);
        });
        say("broker registered and Ready; catalog has " + InMemoryBroker.SERVICE_NAME + "/" + InMemoryBroker.PLAN_NAME);
    }

    /** Another broker-gateway process on the same database and Kafka group: a second replica. */
    ServiceProcess startGatewayReplica(LocalStack s, int replica) {
        int port = io.servicecatalog.testsupport.Ports.free();
        Map<String, String> props = new LinkedHashMap<>(s.systemPropertiesFor(LocalStack.BROKER_GATEWAY));
        props.put("quarkus.http.port", String.valueOf(port));
        ServiceProcess p = ServiceProcess.builder(LocalStack.BROKER_GATEWAY + "-" + replica)
                .jar(s.serviceJar(LocalStack.BROKER_GATEWAY))
                .workingDir(s.serviceJar(LocalStack.BROKER_GATEWAY).getParent().getParent().getParent())
                .port(port)
                .jvmOptions(jvmOptions != null ? jvmOptions
                        : ManifestJvmOptions.of(List.of(LocalStack.BROKER_GATEWAY)).getOrDefault(LocalStack.BROKER_GATEWAY,
                                ServiceProcess.DEFAULT_JVM_OPTIONS))
                .systemProperties(props)
                .logDir(out.resolve("logs"))
                .build()
                .start();
        p.awaitReady(Duration.ofSeconds(120));
        say("broker-gateway replica " + replica + " ready (pid " + p.pid() + ")");
        return p;
    }

    // ------------------------------------------------------------------ the mesh run

    final class MeshRun {
        final String prefix;
        final Samples createAccepted = new Samples();
        final Samples createReady = new Samples();
        final Samples bindAccepted = new Samples();
        final Samples bindSecret = new Samples();
        final Samples bindReady = new Samples();
        final Samples unbindGone = new Samples();
        final Samples deprovisionGone = new Samples();
        final Samples lifecycle = new Samples();
        final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
        long runStart;

        MeshRun(String prefix) {
            this.prefix = prefix;
        }

        Map<String, Object> drive(int n) throws Exception {
            AtomicInteger next = new AtomicInteger();
            runStart = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            List<Future<?>> fs = new ArrayList<>();
            if (rate > 0 && !prefix.equals("w")) {
                // Open loop: lifecycle i starts at i / rate seconds, late or not; a lifecycle that
                // waits for a free slot (--concurrency) counts as not keeping up.
                long periodNanos = (long) (1e9 / rate);
                for (int i = 0; i < n; i++) {
                    long due = runStart + i * periodNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    int index = i;
                    fs.add(pool.submit(() -> one(index)));
                }
            } else {
                for (int w = 0; w < concurrency; w++) {
                    fs.add(pool.submit(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < n) {
                            one(i);
                        }
                    }));
                }
            }
            for (Future<?> f : fs) {
                f.get();
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - runStart) / 1e9;
            int ok = lifecycle.count();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("wall_s", Samples.round2(seconds));
            r.put("completed", ok);
            r.put("errors", n - ok);
            r.put("errors_by_step", Map.copyOf(errorCounts()));
            r.put("lifecycles_per_s", Samples.round2(ok / seconds));
            Map<String, Object> steps = new LinkedHashMap<>();
            steps.put("create_accepted", createAccepted.summary());
            steps.put("create_to_ready", createReady.summary());
            steps.put("bind_accepted", bindAccepted.summary());
            steps.put("bind_to_secret", bindSecret.summary());
            steps.put("bind_to_ready", bindReady.summary());
            steps.put("unbind_to_gone", unbindGone.summary());
            steps.put("deprovision_to_gone", deprovisionGone.summary());
            steps.put("lifecycle", lifecycle.summary());
            r.put("steps", steps);
            if (!prefix.equals("w")) {
                say(String.format(Locale.ROOT, "mesh: %d/%d lifecycles in %.1f s = %.2f lifecycles/s", ok, n, seconds,
                        ok / seconds));
            } else {
                say("warm-up: " + ok + "/" + n + " lifecycles" + (ok < n ? " (errors: " + errorCounts() + ")" : ""));
            }
            return r;
        }

        Map<String, Integer> errorCounts() {
            Map<String, Integer> m = new LinkedHashMap<>();
            errors.forEach((k, v) -> m.put(k, v.get()));
            return m;
        }

        void one(int i) {
            String inst = "bench-" + prefix + "-i-" + i;
            String bind = "bench-" + prefix + "-b-" + i;
            String secret = "bench-" + prefix + "-s-" + i;
            String instPath = api + "/namespaces/" + NS + "/serviceinstances/" + inst;
            String bindPath = api + "/namespaces/" + NS + "/servicebindings/" + bind;
            String step = "create";
            long start = System.nanoTime();
            try {
                long t = System.nanoTime();
                expect(send("POST", api + "/namespaces/" + NS + "/serviceinstances", """
                        {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ServiceInstance",
                         "metadata":{"name":"%s","namespace":"%s"},
                         "spec":{"clusterServiceClassExternalName":"%s","clusterServicePlanExternalName":"%s"}}"""
                        .formatted(inst, NS, InMemoryBroker.SERVICE_NAME, InMemoryBroker.PLAN_NAME)), 201);
                record(createAccepted, t);
                step = "create_to_ready";
                instances.awaitReady(inst, stepTimeout);
                record(createReady, t);

                step = "bind";
                t = System.nanoTime();
                expect(send("POST", api + "/namespaces/" + NS + "/servicebindings", """
                        {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ServiceBinding",
                         "metadata":{"name":"%s","namespace":"%s"},
                         "spec":{"instanceRef":{"name":"%s"},"secretName":"%s"}}"""
                        .formatted(bind, NS, inst, secret)), 201);
                record(bindAccepted, t);
                step = "bind_to_secret";
                // Followed by a watch, not polled: polling every 10 ms was a third of the stand-in's requests.
                secrets.await(secret, stepTimeout);
                record(bindSecret, t);
                step = "bind_to_ready";
                bindings.awaitReady(bind, stepTimeout);
                record(bindReady, t);

                step = "unbind";
                t = System.nanoTime();
                expect(send("DELETE", bindPath, null), 200, 202);
                step = "unbind_to_gone";
                bindings.awaitGone(bind, stepTimeout);
                record(unbindGone, t);
                bindings.forget(bind);

                step = "deprovision";
                t = System.nanoTime();
                expect(send("DELETE", instPath, null), 200, 202);
                step = "deprovision_to_gone";
                instances.awaitGone(inst, stepTimeout);
                record(deprovisionGone, t);
                instances.forget(inst);
                secrets.forget(secret);
                record(lifecycle, start);
            } catch (Exception e) {
                errors.computeIfAbsent(step, k -> new AtomicInteger()).incrementAndGet();
                if (errors.values().stream().mapToInt(AtomicInteger::get).sum() <= 5) {
                    say("lifecycle " + inst + " failed at " + step + ": " + e.getMessage());
                }
                // best effort clean-up so later lifecycles are not blocked
                sendQuietly("DELETE", bindPath, null);
                sendQuietly("DELETE", instPath, null);
            }
        }

        void record(Samples s, long startNanos) {
            long now = System.nanoTime();
            s.add((now - runStart) / 1_000_000, (now - startNanos) / 1e6);
        }
    }

    // ------------------------------------------------------------------ the direct run

    final class DirectRun {
        final InMemoryBroker broker;
        final String auth = "Basic " + Base64.getEncoder().encodeToString(
                (InMemoryBroker.USERNAME + ":" + InMemoryBroker.PASSWORD).getBytes(StandardCharsets.UTF_8));

        DirectRun(InMemoryBroker broker) {
            this.broker = broker;
        }

        Map<String, Object> drive(int n, String prefix) throws Exception {
            AtomicInteger next = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            Samples lifecycle = new Samples();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                fs.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        long t = System.nanoTime();
                        try {
                            oneDirect(prefix + "-" + i + "-" + UUID.randomUUID());
                            long now = System.nanoTime();
                            lifecycle.add((now - start) / 1_000_000, (now - t) / 1e6);
                        } catch (Exception e) {
                            if (errors.incrementAndGet() <= 3) {
                                say("direct lifecycle failed: " + e.getMessage());
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("wall_s", Samples.round2(seconds));
            r.put("completed", lifecycle.count());
            r.put("errors", errors.get());
            r.put("lifecycles_per_s", Samples.round2(lifecycle.count() / seconds));
            r.put("lifecycle", lifecycle.summary());
            return r;
        }

        void oneDirect(String id) throws Exception {
            String base = broker.url() + "/v2/service_instances/" + id;
            String params = "service_id=" + InMemoryBroker.SERVICE_ID + "&plan_id=" + InMemoryBroker.PLAN_ID;
            HttpResponse<String> r = osb("PUT", base + "?accepts_incomplete=true", """
                    {"service_id":"%s","plan_id":"%s","organization_guid":"bench","space_guid":"bench",
                     "context":{"platform":"kubernetes","namespace":"default"}}"""
                    .formatted(InMemoryBroker.SERVICE_ID, InMemoryBroker.PLAN_ID));
            expect(r, 200, 201, 202);
            if (r.statusCode() == 202) {
                pollLastOperation(base, params);
            }
            String bind = base + "/service_bindings/" + UUID.randomUUID();
            expect(osb("PUT", bind, """
                    {"service_id":"%s","plan_id":"%s"}""".formatted(InMemoryBroker.SERVICE_ID, InMemoryBroker.PLAN_ID)),
                    200, 201);
            expect(osb("DELETE", bind + "?" + params, null), 200);
            r = osb("DELETE", base + "?accepts_incomplete=true&" + params, null);
            expect(r, 200, 202);
            if (r.statusCode() == 202) {
                pollLastOperation(base, params);
            }
        }

        void pollLastOperation(String base, String params) throws Exception {
            long deadline = System.nanoTime() + stepTimeout.toNanos();
            while (System.nanoTime() < deadline) {
                Thread.sleep(gatewayPollMillis);
                HttpResponse<String> r = osb("GET", base + "/last_operation?" + params, null);
                expect(r, 200);
                if (r.body().contains("\"succeeded\"")) {
                    return;
                }
                if (r.body().contains("\"failed\"")) {
                    throw new IllegalStateException("operation failed: " + r.body());
                }
            }
            throw new IllegalStateException("last_operation did not succeed in " + stepTimeout);
        }

        HttpResponse<String> osb(String method, String url, String body) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .header("X-Broker-API-Version", "2.17")
                    .header("Authorization", auth)
                    .header("Accept", "application/json");
            if (body != null) {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    // ------------------------------------------------------------------ HTTP helpers

    /** Every request to catalog-api (and the watch streams) starts here: the one place for headers. */
    HttpRequest.Builder request() {
        HttpRequest.Builder b = HttpRequest.newBuilder().header("Accept", "application/json");
        if (stack != null) {
            b.header("Authorization", "Bearer " + stack.adminToken()); // catalog-api authenticates every call
        }
        return b;
    }

    HttpResponse<String> send(String method, String url, String jsonBody) throws IOException, InterruptedException {
        HttpRequest.Builder b = request().uri(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (jsonBody != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> sendQuietly(String method, String url, String jsonBody) {
        try {
            return send(method, url, jsonBody);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    int status(String url) {
        HttpResponse<String> r = sendQuietly("GET", url, null);
        return r == null ? -1 : r.statusCode();
    }

    /** The resource exists and its Ready condition is True. */
    boolean ready(String url) {
        HttpResponse<String> r = sendQuietly("GET", url, null);
        if (r == null || r.statusCode() != 200) {
            return false;
        }
        try {
            return WatchObserver.isReady(JSON.readTree(r.body()));
        } catch (IOException e) {
            return false;
        }
    }

    void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(statusPollMillis);
        }
    }

    static void expect(HttpResponse<String> r, int... statuses) {
        for (int s : statuses) {
            if (r.statusCode() == s) {
                return;
            }
        }
        String body = r.body() == null ? "" : r.body();
        throw new IllegalStateException(r.request().method() + " " + r.uri() + " -> " + r.statusCode() + ": "
                + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
    }

    static double mib(long kib) {
        return kib < 0 ? -1 : Samples.round(kib / 1024.0);
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    static void say(String line) {
        System.out.println("[bench] " + line);
    }
}
