package io.servicecatalog.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal OSB 2.17 broker kept in memory, served by the JDK's HttpServer in the benchmark JVM.
 * One bindable service with one plan. Variants:
 * <ul>
 *   <li>{@code fast}: synchronous, no work;</li>
 *   <li>{@code slow50}: synchronous, every call takes 50 ms;</li>
 *   <li>{@code async2}: provision and deprovision answer 202 (when {@code accepts_incomplete=true})
 *       and {@code last_operation} says {@code in progress} exactly twice, then {@code succeeded}.
 *       Bindings stay synchronous.</li>
 * </ul>
 */
final class InMemoryBroker implements AutoCloseable {

    static final String SERVICE_ID = "5b1f3a0e-6a3e-4d55-9a57-bench0000001";
    static final String PLAN_ID = "5b1f3a0e-6a3e-4d55-9a57-bench0000002";
    static final String SERVICE_NAME = "bench-service";
    static final String PLAN_NAME = "bench-plan";
    static final String USERNAME = "bench";
    static final String PASSWORD = "bench-secret";

    enum Variant {
        FAST(0, false), SLOW50(50, false), ASYNC2(0, true);

        final long delayMillis;
        final boolean async;

        Variant(long delayMillis, boolean async) {
            this.delayMillis = delayMillis;
            this.async = async;
        }

        static Variant parse(String s) {
            return switch (s.toLowerCase()) {
                case "fast" -> FAST;
                case "slow50" -> SLOW50;
                case "async2" -> ASYNC2;
                default -> throw new IllegalArgumentException("--broker must be fast, slow50 or async2: " + s);
            };
        }
    }

    private final Variant variant;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String expectedAuth;
    /** instance id -> number of last_operation polls answered for its current operation. */
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private final Map<String, Boolean> instances = new ConcurrentHashMap<>();
    private final Map<String, Boolean> bindings = new ConcurrentHashMap<>();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong unauthorized = new AtomicLong();
    final AtomicLong catalogRequests = new AtomicLong();
    /** What GET /v2/catalog answers; the scale benchmark swaps in a large catalog and changes it. */
    private volatile String catalogJson = defaultCatalog();

    static {
        // The JDK HttpServer leaves Nagle on by default: with delayed ACKs every small response then
        // waits ~40 ms. A broker measured for latency must not.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    InMemoryBroker(Variant variant, int threads) throws IOException {
        this.variant = variant;
        this.expectedAuth = "Basic " + Base64.getEncoder()
                .encodeToString((USERNAME + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "osb-broker");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/v2/", this::handle);
    }

    InMemoryBroker start() {
        server.start();
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    Variant variant() {
        return variant;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            drain(ex.getRequestBody());
            if (!expectedAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                unauthorized.incrementAndGet();
                send(ex, 401, "{\"description\":\"unauthorized\"}");
                return;
            }
            if (variant.delayMillis > 0) {
                try {
                    Thread.sleep(variant.delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    send(ex, 500, "{}");
                    return;
                }
            }
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            String query = ex.getRequestURI().getQuery();
            boolean acceptsIncomplete = query != null && query.contains("accepts_incomplete=true");
            String[] parts = path.split("/"); // "", "v2", ...
            if (parts.length == 3 && parts[2].equals("catalog") && method.equals("GET")) {
                catalogRequests.incrementAndGet();
                send(ex, 200, catalogJson);
                return;
            }
            if (parts.length >= 4 && parts[2].equals("service_instances")) {
                String instanceId = parts[3];
                if (parts.length == 4) {
                    switch (method) {
                        case "PUT" -> {
                            instances.put(instanceId, Boolean.TRUE);
                            if (variant.async && acceptsIncomplete) {
                                polls.put(instanceId, new AtomicInteger());
                                send(ex, 202, "{\"operation\":\"provision\"}");
                            } else {
                                send(ex, 201, "{}");
                            }
                        }
                        case "DELETE" -> {
                            boolean existed = instances.remove(instanceId) != null;
                            if (!existed) {
                                send(ex, 410, "{}");
                            } else if (variant.async && acceptsIncomplete) {
                                polls.put(instanceId, new AtomicInteger());
                                send(ex, 202, "{\"operation\":\"deprovision\"}");
                            } else {
                                send(ex, 200, "{}");
                            }
                        }
                        case "GET" -> send(ex, instances.containsKey(instanceId) ? 200 : 404, "{}");
                        default -> send(ex, 405, "{}");
                    }
                    return;
                }
                if (parts.length == 5 && parts[4].equals("last_operation") && method.equals("GET")) {
                    AtomicInteger n = polls.get(instanceId);
                    if (n == null) {
                        send(ex, instances.containsKey(instanceId) ? 200 : 410,
                                instances.containsKey(instanceId) ? "{\"state\":\"succeeded\"}" : "{}");
                    } else if (n.incrementAndGet() <= 2) {
                        send(ex, 200, "{\"state\":\"in progress\",\"description\":\"poll " + n.get() + "\"}");
                    } else {
                        polls.remove(instanceId);
                        send(ex, 200, "{\"state\":\"succeeded\"}");
                    }
                    return;
                }
                if (parts.length == 6 && parts[4].equals("service_bindings")) {
                    String bindingId = parts[5];
                    switch (method) {
                        case "PUT" -> {
                            bindings.put(bindingId, Boolean.TRUE);
                            send(ex, 201, "{\"credentials\":{\"host\":\"bench.invalid\",\"port\":5432,"
                                    + "\"username\":\"u-" + bindingId + "\",\"password\":\"p-" + bindingId + "\"}}");
                        }
                        case "DELETE" -> send(ex, bindings.remove(bindingId) != null ? 200 : 410, "{}");
                        default -> send(ex, 405, "{}");
                    }
                    return;
                }
            }
            send(ex, 404, "{\"description\":\"no such endpoint\"}");
        }
    }

    /** Serves this OSB catalog JSON from now on (provision/bind accept any service and plan id). */
    void catalog(String json) {
        this.catalogJson = json;
    }

    private static String defaultCatalog() {
        return """
                {"services":[{"id":"%s","name":"%s","description":"in-memory benchmark service",
                 "bindable":true,"instances_retrievable":false,"bindings_retrievable":false,
                 "plan_updateable":false,"tags":["bench"],
                 "plans":[{"id":"%s","name":"%s","description":"in-memory benchmark plan","free":true,
                   "bindable":true,"maximum_polling_duration":600}]}]}
                """.formatted(SERVICE_ID, SERVICE_NAME, PLAN_ID, PLAN_NAME);
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
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
