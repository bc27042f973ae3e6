package io.servicecatalog.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.v1beta1.ResourceKind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/** Stands in for catalog-api's GET endpoints, serving whatever the test put in. */
public final class FakeCatalogApi {
  private static final String PREFIX = "/apis/servicecatalog.k8s.io/v1beta1";
  private final HttpServer server;
  /** "plural|namespace|name" → object. */
  private final Map<String, JsonNode> objects = new ConcurrentHashMap<>();

  public FakeCatalogApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "fake-catalog-api");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public void stop() {
    server.stop(0);
  }

  public void put(CustomResource<?, ?> resource) {
    String plural = ResourceKind.fromKind(resource.getKind()).orElseThrow().plural();
    objects.put(key(plural, resource.getMetadata().getNamespace(), resource.getMetadata().getName()), Json.MAPPER.valueToTree(resource));
  }

  public void remove(CustomResource<?, ?> resource) {
    String plural = ResourceKind.fromKind(resource.getKind()).orElseThrow().plural();
    objects.remove(key(plural, resource.getMetadata().getNamespace(), resource.getMetadata().getName()));
  }

  private static String key(String plural, String ns, String name) {
    return plural + "|" + (ns == null ? "" : ns) + "|" + name;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (!"GET".equals(ex.getRequestMethod()) || !path.startsWith(PREFIX)) {
        reply(ex, 404, notFound(path));
        return;
      }
      String[] p = path.substring(PREFIX.length()).split("/");
      // ["", plural] | ["", plural, name] | ["", "namespaces", ns, plural, name]
      if (p.length == 2) {
        // As catalog-api pages: in key order, {@code limit} at a time, {@code continue} after the last one sent.
        String query = ex.getRequestURI().getQuery();
        listRequests.add(p[1] + (query == null ? "" : "?" + query));
        int limit = Integer.parseInt(queryParam(query, "limit", "0"));
        String after = queryParam(query, "continue", "");
        java.util.List<String> keys = new java.util.ArrayList<>(objects.keySet().stream()
            .filter(k -> k.startsWith(p[1] + "|") && k.compareTo(after) > 0).sorted().toList());
        ArrayNode items = Json.MAPPER.createArrayNode();
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("kind", "List");
        ObjectNode meta = list.putObject("metadata").put("resourceVersion", "1");
        for (int i = 0; i < keys.size(); i++) {
          if (limit > 0 && i == limit) {
            meta.put("continue", keys.get(i - 1));
            break;
          }
          JsonNode v = objects.get(keys.get(i));
          if (v != null) {
            items.add(v);
          }
        }
        list.set("items", items);
        reply(ex, 200, list.toString());
        return;
      }
      String k = p.length == 3 ? key(p[1], null, p[2]) : p.length == 5 && p[1].equals("namespaces") ? key(p[3], p[2], p[4]) : null;
      JsonNode found = k == null ? null : objects.get(k);
      if (found == null) {
        reply(ex, 404, notFound(path));
      } else {
        reply(ex, 200, found.toString());
      }
    }
  }

  /** The list requests served, as "plural?query", oldest first. */
  public final java.util.List<String> listRequests = new java.util.concurrent.CopyOnWriteArrayList<>();

  private static String queryParam(String query, String name, String otherwise) {
    if (query != null) {
      for (String kv : query.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0 && kv.substring(0, eq).equals(name)) {
          return java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
    }
    return otherwise;
  }

  private static String notFound(String path) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404,\"message\":\""
        + path.replace("\"", "") + " not found\"}";
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
