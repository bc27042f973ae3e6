package io.servicecatalog.localstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OSB 2.17 broker over real HTTP (the JDK's server, in the test JVM) that keeps its own truth
 * and misbehaves on demand, for the fault suite.
 *
 * <p>Truth: the instances and bindings that exist, and per id how often it was created and how
 * often a creation was <em>acknowledged</em> (its success response actually delivered). A creation
 * whose response was lost (5xx after the work, a hang past the caller's timeout, a malformed body)
 * is the platform's to clean up by orphan mitigation, so it is not a successful creation; two
 * acknowledged creations of one id would be an instance provisioned twice.
 *
 * <p>One service, two plans: {@code sync} answers provision/deprovision at once; {@code async}
 * answers 202 and reports {@code in progress} for a few polls. Bindings are synchronous, and
 * their credentials are random per binding, so a Secret can be checked against them.
 *
 * <p>Faults, switchable at runtime, apply to every call but the catalog: 5xx (before or after
 * doing the work), a hang past the caller's timeout (before or after the work), a 2xx with a
 * malformed body (after the work), and being down (the listening socket closed: connection refused).
 */
final class FaultyBroker implements AutoCloseable {

    static final String SYNC_PLAN = "sync";
    static final String ASYNC_PLAN = "async";
    static final String USERNAME = "faulty";
    static final String PASSWORD = "faulty-broker-secret";
    static final String REQUEST_IDENTITY = "X-Broker-API-Request-Identity";

    /** What the broker did to one request. */
    enum Outcome { OK, CLIENT_ERROR, ERROR_BEFORE_WORK, ERROR_AFTER_WORK, HANG_BEFORE_WORK, HANG_AFTER_WORK, MALFORMED }

    /** One request as the broker saw it and answered it. */
    record Call(String identity, String method, String path, int status, Outcome outcome) {}

    static final class Instance {
        final String id;
        final String planId;
        /** "provision" or "deprovision" while an async operation runs; null otherwise. */
        String pending;
        int pollsLeft;
        /** The request that started an asynchronous deprovision. */
        String deletedBy;

        Instance(String id, String planId) {
            this.id = id;
            this.planId = planId;
        }
    }

    record Binding(String id, String instanceId, Map<String, String> credentials) {}

    private final String serviceId;
    private final String syncPlanId;
    private final String asyncPlanId;
    private final String serviceName;
    private final int asyncPolls;
    private final Duration hang;
    private final String expectedAuth;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-broker");
        t.setDaemon(true);
        return t;
    });
    private final SecureRandom random = new SecureRandom();
    private int port;
    private HttpServer server;

    // truth, guarded by this
    private final Map<String, Instance> instances = new HashMap<>();
    private final Map<String, Binding> bindings = new HashMap<>();
    private final Map<String, Integer> instanceCreations = new HashMap<>();
    private final Map<String, Integer> instanceCreationsAcknowledged = new HashMap<>();
    private final Map<String, Integer> bindingCreations = new HashMap<>();
    private final Map<String, Integer> bindingCreationsAcknowledged = new HashMap<>();
    private final Map<String, List<String>> history = new HashMap<>();

    private final Map<String, List<Call>> callsByIdentity = new ConcurrentHashMap<>();
    private final Map<Outcome, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final AtomicLong callsWithoutIdentity = new AtomicLong();
    private final AtomicLong unauthorized = new AtomicLong();

    // faults
    private volatile double errorRate;
    private volatile double hangRate;
    private volatile double malformedRate;

    /** {@code name} makes the offering's ids and name distinct, so two of these can be registered. */
    FaultyBroker(String name, int asyncPolls, Duration hang) {
        this.serviceName = name + "-service";
        this.serviceId = java.util.UUID.nameUUIDFromBytes((name + "/service").getBytes(StandardCharsets.UTF_8)).toString();
        this.syncPlanId = java.util.UUID.nameUUIDFromBytes((name + "/sync").getBytes(StandardCharsets.UTF_8)).toString();
        this.asyncPlanId = java.util.UUID.nameUUIDFromBytes((name + "/async").getBytes(StandardCharsets.UTF_8)).toString();
        this.asyncPolls = asyncPolls;
        this.hang = hang;
        this.expectedAuth = "Basic " + Base64.getEncoder()
                .encodeToString((USERNAME + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    synchronized FaultyBroker start() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        s.setExecutor(executor);
        s.createContext("/v2/", this::handle);
        s.start();
        server = s;
        port = s.getAddress().getPort();
        return this;
    }

    String serviceName() {
        return serviceName;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    // ------------------------------------------------------------------ faults

    /** Probabilities per call (0..1) of a 5xx, a hang past the caller's timeout, a malformed 2xx body. */
    void faults(double error, double hangs, double malformed) {
        this.errorRate = error;
        this.hangRate = hangs;
        this.malformedRate = malformed;
    }

    void noFaults() {
        faults(0, 0, 0);
    }

    /** Down entirely: the port refuses connections until {@link #up()}. */
    synchronized void down() {
        HttpServer s = server;
        server = null;
        if (s != null) {
            s.stop(0);
        }
    }

    synchronized void up() throws IOException {
        if (server == null) {
            start();
        }
    }

    synchronized boolean isUp() {
        return server != null;
    }

    @Override
    public void close() {
        down();
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ truth, for the invariants

    synchronized Map<String, String> instancePlans() {
        Map<String, String> m = new TreeMap<>();
        instances.values().forEach(i -> m.put(i.id, i.planId));
        return m;
    }

    synchronized Map<String, Binding> bindings() {
        return new TreeMap<>(bindings);
    }

    synchronized Map<String, Integer> instanceCreations() {
        return new TreeMap<>(instanceCreations);
    }

    synchronized Map<String, Integer> instanceCreationsAcknowledged() {
        return new TreeMap<>(instanceCreationsAcknowledged);
    }

    synchronized Map<String, Integer> bindingCreations() {
        return new TreeMap<>(bindingCreations);
    }

    synchronized Map<String, Integer> bindingCreationsAcknowledged() {
        return new TreeMap<>(bindingCreationsAcknowledged);
    }

    List<Call> calls(String identity) {
        return callsByIdentity.getOrDefault(identity, List.of());
    }

    /** Calls answered with any of these outcomes so far. */
    long count(Outcome... kinds) {
        long n = 0;
        for (Outcome o : kinds) {
            AtomicLong c = outcomes.get(o);
            n += c == null ? 0 : c.get();
        }
        return n;
    }

    Map<String, Long> outcomeCounts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            m.put(o.name(), outcomes.getOrDefault(o, new AtomicLong()).get());
        }
        m.put("unauthorized", unauthorized.get());
        m.put("without_request_identity", callsWithoutIdentity.get());
        return m;
    }

    // ------------------------------------------------------------------ HTTP

    /** The answer to one request, and the change it makes to the truth once committed. */
    private record Answer(int status, String body, Runnable onDelivered) {
        static Answer of(int status, String body) {
            return new Answer(status, body, null);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            String identity = ex.getRequestHeaders().getFirst(REQUEST_IDENTITY);
            if (!expectedAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                unauthorized.incrementAndGet();
                send(ex, 401, "{\"description\":\"unauthorized\"}");
                return;
            }
            if (path.equals("/v2/catalog")) {
                record(identity, method, path, 200, Outcome.OK);
                send(ex, 200, catalog());
                return;
            }
            Outcome fault = drawFault(method);
            if (fault == Outcome.ERROR_BEFORE_WORK) {
                record(identity, method, path, 503, fault);
                send(ex, 503, "{\"description\":\"injected fault: unavailable\"}");
                return;
            }
            if (fault == Outcome.HANG_BEFORE_WORK) {
                record(identity, method, path, 0, fault);
                sleep(hang);
                return; // the caller gave up long ago; closing the exchange drops the connection
            }
            java.util.regex.Matcher plan = PLAN_ID.matcher(body);
            Answer answer = work(method, path, ex.getRequestURI().getQuery(), plan.find() ? plan.group(1) : null, identity);
            if (fault == null || answer.status >= 300) {
                if (answer.onDelivered != null) {
                    answer.onDelivered.run();
                }
                record(identity, method, path, answer.status, answer.status >= 400 ? Outcome.CLIENT_ERROR : Outcome.OK);
                send(ex, answer.status, answer.body);
                return;
            }
            // the work is done, but its answer does not reach the caller intact
            switch (fault) {
                case ERROR_AFTER_WORK -> {
                    record(identity, method, path, 500, fault);
                    send(ex, 500, "{\"description\":\"injected fault after the work\"}");
                }
                case HANG_AFTER_WORK -> {
                    record(identity, method, path, 0, fault);
                    sleep(hang);
                }
                case MALFORMED -> {
                    record(identity, method, path, answer.status, fault);
                    send(ex, answer.status, "{\"credentials\": {\"user");
                }
                default -> throw new IllegalStateException("unexpected fault " + fault);
            }
        }
    }

    private Outcome drawFault(String method) {
        double r = ThreadLocalRandom.current().nextDouble();
        boolean sideEffects = !method.equals("GET");
        if (r < errorRate) {
            return sideEffects && ThreadLocalRandom.current().nextBoolean() ? Outcome.ERROR_AFTER_WORK : Outcome.ERROR_BEFORE_WORK;
        }
        r -= errorRate;
        if (r < hangRate) {
            return sideEffects && ThreadLocalRandom.current().nextBoolean() ? Outcome.HANG_AFTER_WORK : Outcome.HANG_BEFORE_WORK;
        }
        r -= hangRate;
        if (r < malformedRate) {
            return Outcome.MALFORMED;
        }
        return null;
    }

    private void record(String identity, String method, String path, int status, Outcome outcome) {
        outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
        if (identity == null || identity.isEmpty()) {
            callsWithoutIdentity.incrementAndGet();
            return;
        }
        callsByIdentity.computeIfAbsent(identity, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                .add(new Call(identity, method, path, status, outcome));
    }

    /** Applies the request to the truth; creation acknowledgements are counted once delivered. */
    private static final java.util.regex.Pattern PLAN_ID =
            java.util.regex.Pattern.compile("\"plan_id\"\\s*:\\s*\"([^\"]+)\"");

    private synchronized Answer work(String method, String path, String query, String planId, String identity) {
        boolean acceptsIncomplete = query != null && query.contains("accepts_incomplete=true");
        String[] parts = path.split("/"); // "", "v2", "service_instances", id, ...
        if (parts.length < 4 || !parts[2].equals("service_instances")) {
            return Answer.of(404, "{\"description\":\"no such endpoint\"}");
        }
        String instanceId = parts[3];
        Instance instance = instances.get(instanceId);
        if (parts.length == 4) {
            switch (method) {
                case "PUT" -> {
                    if (instance != null) {
                        if (instance.pending != null && instance.pending.equals("provision")) {
                            return Answer.of(202, "{\"operation\":\"provision\"}");
                        }
                        return Answer.of(200, "{}");
                    }
                    Instance created = new Instance(instanceId, planId);
                    instances.put(instanceId, created);
                    instanceCreations.merge(instanceId, 1, Integer::sum);
                    Runnable ack = () -> {
                        acknowledge(instanceCreationsAcknowledged, instanceId);
                        history("instance " + instanceId, "created " + identity);
                    };
                    if (asyncPlanId.equals(planId)) {
                        if (!acceptsIncomplete) {
                            instances.remove(instanceId);
                            instanceCreations.merge(instanceId, -1, Integer::sum);
                            return Answer.of(422, "{\"error\":\"AsyncRequired\",\"description\":\"async plan\"}");
                        }
                        created.pending = "provision";
                        created.pollsLeft = asyncPolls;
                        return new Answer(202, "{\"operation\":\"provision\"}", ack);
                    }
                    return new Answer(201, "{}", ack);
                }
                case "DELETE" -> {
                    if (instance == null) {
                        return Answer.of(410, "{}");
                    }
                    if (asyncPlanId.equals(instance.planId) && acceptsIncomplete) {
                        instance.pending = "deprovision";
                        instance.pollsLeft = asyncPolls;
                        instance.deletedBy = identity;
                        return Answer.of(202, "{\"operation\":\"deprovision\"}");
                    }
                    instances.remove(instanceId);
                    history("instance " + instanceId, "deleted " + identity);
                    return Answer.of(200, "{}");
                }
                default -> {
                    return Answer.of(405, "{}");
                }
            }
        }
        if (parts.length == 5 && parts[4].equals("last_operation") && method.equals("GET")) {
            if (instance == null) {
                return Answer.of(410, "{}");
            }
            if (instance.pending == null) {
                return Answer.of(200, "{\"state\":\"succeeded\"}");
            }
            if (instance.pollsLeft-- > 0) {
                return Answer.of(200, "{\"state\":\"in progress\"}");
            }
            if (instance.pending.equals("deprovision")) {
                instances.remove(instanceId);
                history("instance " + instanceId, "deleted " + instance.deletedBy);
            }
            instance.pending = null;
            return Answer.of(200, "{\"state\":\"succeeded\"}");
        }
        if (parts.length == 6 && parts[4].equals("service_bindings")) {
            String bindingId = parts[5];
            Binding existing = bindings.get(bindingId);
            switch (method) {
                case "PUT" -> {
                    if (existing != null) {
                        return Answer.of(200, credentialsBody(existing));
                    }
                    if (instance == null || instance.pending != null) {
                        return Answer.of(422, "{\"error\":\"ConcurrencyError\",\"description\":\"instance not ready\"}");
                    }
                    Map<String, String> creds = new LinkedHashMap<>();
                    creds.put("username", "u-" + bindingId.substring(0, 8));
                    byte[] secret = new byte[12];
                    random.nextBytes(secret);
                    creds.put("password", HexFormat.of().formatHex(secret));
                    Binding b = new Binding(bindingId, instanceId, Map.copyOf(creds));
                    bindings.put(bindingId, b);
                    bindingCreations.merge(bindingId, 1, Integer::sum);
                    return new Answer(201, credentialsBody(b), () -> {
                        acknowledge(bindingCreationsAcknowledged, bindingId);
                        history("binding " + bindingId, "created " + identity);
                    });
                }
                case "DELETE" -> {
                    if (bindings.remove(bindingId) == null) {
                        return Answer.of(410, "{}");
                    }
                    history("binding " + bindingId, "deleted " + identity);
                    return Answer.of(200, "{}");
                }
                default -> {
                    return Answer.of(405, "{}");
                }
            }
        }
        return Answer.of(404, "{\"description\":\"no such endpoint\"}");
    }

    /**
     * Per "instance &lt;id&gt;" / "binding &lt;id&gt;": "created &lt;request identity&gt;" for each
     * acknowledged creation and "deleted &lt;identity of the request that deleted it&gt;", in order.
     */
    synchronized Map<String, List<String>> history() {
        Map<String, List<String>> copy = new TreeMap<>();
        history.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }

    private synchronized void history(String key, String entry) {
        history.computeIfAbsent(key, k -> new ArrayList<>()).add(entry);
    }

    private synchronized void acknowledge(Map<String, Integer> counts, String id) {
        counts.merge(id, 1, Integer::sum);
    }

    private static String credentialsBody(Binding b) {
        return "{\"credentials\":{\"username\":\"" + b.credentials().get("username") + "\",\"password\":\""
                + b.credentials().get("password") + "\"}}";
    }

    private String catalog() {
        return """
                {"services":[{"id":"%s","name":"%s","description":"fault-injecting test service",
                 "bindable":true,"instances_retrievable":false,"bindings_retrievable":false,
                 "plan_updateable":false,
                 "plans":[{"id":"%s","name":"%s","description":"synchronous","free":true,"bindable":true},
                          {"id":"%s","name":"%s","description":"asynchronous","free":true,"bindable":true,
                           "maximum_polling_duration":600}]}]}
                """.formatted(serviceId, serviceName, syncPlanId, SYNC_PLAN, asyncPlanId, ASYNC_PLAN);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
