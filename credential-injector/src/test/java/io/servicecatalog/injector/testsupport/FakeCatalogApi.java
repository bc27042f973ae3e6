package io.servicecatalog.injector.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.servicecatalog.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * catalog-api's binding GET, served by the JDK's HttpServer. Tests steer it over HTTP (the test
 * resource and the test class may live in different class loaders, so no shared statics):
 *
 * <ul>
 *   <li>{@code PUT /_test/bindings/{ns}/{name}} body {@code {"uid","secretName","deleting",
 *       "failTimes","annotations","injected"}}: the binding exists (or is deleting); the first
 *       {@code failTimes} GETs answer 503; {@code injected} sets {@code status.binding.name}.
 *   <li>{@code DELETE /_test/bindings/{ns}/{name}}: the binding is gone (404 Status).
 *   <li>{@code GET /_test/requests/{ns}/{name}}: how many times the injector asked.
 * </ul>
 */
public class FakeCatalogApi implements QuarkusTestResourceLifecycleManager {
  private static final String PREFIX = "/apis/servicecatalog.k8s.io/v1beta1/namespaces/";

  private HttpServer server;
  private final Map<String, ObjectNode> bindings = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

  /** The token the injector is configured with; catalog-api's stand-in refuses requests without it. */
  static final String TOKEN = "injector-test-token";

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext("/", this::handle);
    server.start();
    return Map.of(
        "servicecatalog.catalog-api.url", "http://127.0.0.1:" + server.getAddress().getPort(),
        "servicecatalog.catalog-api.token", TOKEN);
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.startsWith("/_test/bindings/")) {
        String key = path.substring("/_test/bindings/".length());
        if ("PUT".equals(method)) {
          JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody());
          bindings.put(key, binding(key, body));
          failuresLeft.put(key, new AtomicInteger(body.path("failTimes").asInt(0)));
        } else {
          bindings.remove(key);
        }
        send(exchange, 204, null);
      } else if (path.startsWith("/_test/requests/")) {
        String key = path.substring("/_test/requests/".length());
        send(exchange, 200, String.valueOf(requests.getOrDefault(key, new AtomicInteger()).get()));
      } else if (path.startsWith(PREFIX)
          && !("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        // like catalog-api: every request must carry the injector's token
        send(exchange, 401, "{\"kind\":\"Status\",\"code\":401,\"reason\":\"Unauthorized\"}");
      } else if (path.startsWith(PREFIX) && "GET".equals(method)) {
        // {ns}/servicebindings/{name}
        String[] parts = path.substring(PREFIX.length()).split("/");
        if (parts.length != 3 || !"servicebindings".equals(parts[1])) {
          send(exchange, 404, "page not found");
          return;
        }
        String key = parts[0] + "/" + parts[2];
        requests.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        AtomicInteger fail = failuresLeft.get(key);
        if (fail != null && fail.getAndDecrement() > 0) {
          send(exchange, 503, "{\"kind\":\"Status\",\"code\":503,\"reason\":\"ServiceUnavailable\"}");
          return;
        }
        ObjectNode b = bindings.get(key);
        if (b == null) {
          send(exchange, 404,
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
                  + "\"servicebindings.servicecatalog.k8s.io \\\"" + parts[2]
                  + "\\\" not found\",\"reason\":\"NotFound\",\"code\":404}");
          return;
        }
        send(exchange, 200, Json.MAPPER.writeValueAsString(b));
      } else {
        send(exchange, 404, "page not found");
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
      throw e;
    }
  }

  private static ObjectNode binding(String key, JsonNode body) {
    String[] nsName = key.split("/");
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.put("apiVersion", "servicecatalog.k8s.io/v1beta1");
    b.put("kind", "ServiceBinding");
    ObjectNode metadata = b.putObject("metadata");
    metadata.put("namespace", nsName[0]);
    metadata.put("name", nsName[1]);
    metadata.put("uid", body.path("uid").asText());
    metadata.put("generation", 1);
    if (body.path("deleting").asBoolean(false)) {
      metadata.put("deletionTimestamp", "2026-01-01T00:00:00Z");
    }
    if (body.path("annotations").isObject()) {
      metadata.set("annotations", body.get("annotations"));
    }
    ObjectNode spec = b.putObject("spec");
    spec.putObject("instanceRef").put("name", "mariadb-instance");
    if (body.hasNonNull("secretName")) {
      spec.put("secretName", body.get("secretName").asText());
    }
    if (body.path("injected").asBoolean(false)) {
      b.putObject("status").putObject("binding")
          .put("name", body.hasNonNull("secretName") ? body.get("secretName").asText() : nsName[1]);
    }
    return b;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
