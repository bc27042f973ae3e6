package io.servicecatalog.syncer.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.v1beta1.ResourceKind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * catalog-api's REST contract in memory, on a JDK HttpServer: GET, LIST, POST, PUT (409 on a stale
 * resourceVersion), DELETE (deletionTimestamp while a finalizer is set) and watch streams ({@code
 * ?watch=true&resourceVersion=N}, 410 when N is too old), with the server-side defaults the syncer
 * must mirror back (externalID, userInfo from the X-Remote-* headers, initial status). Tests play
 * the rest of the catalog through hooks: {@link #serverUpdate}, {@link #remove}, {@link
 * #rejectNext}, {@link #conflictOnNextPut}; every request is recorded.
 */
public final class FakeCatalogApi implements AutoCloseable {
  public static final String BASE = "/apis/" + ServiceCatalog.API_VERSION;

  /** One request as received, with the status answered. */
  public record Request(
      String method, String path, Map<String, List<String>> headers, String body, int status) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    public List<String> headers(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue();
        }
      }
      return List.of();
    }
  }

  private record Event(long rv, ResourceKind kind, String type, ObjectNode object) {}

  private record Rejection(String method, int code, String reason, String message) {}

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fake-catalog-api");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, ObjectNode> objects = new LinkedHashMap<>();
  private final List<Event> log = new ArrayList<>();
  private final List<BlockingQueue<Event>> watchers = new CopyOnWriteArrayList<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Deque<Rejection> rejections = new ArrayDeque<>();
  private long resourceVersion = 100;
  private long expiredBefore;
  private boolean conflictOnNextPut;
  private volatile boolean watchEnabled = true;

  private FakeCatalogApi(HttpServer server) {
    this.server = server;
  }

  public static FakeCatalogApi start() {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      FakeCatalogApi fake = new FakeCatalogApi(s);
      s.setExecutor(fake.executor);
      s.createContext("/", fake::handle);
      s.start();
      return fake;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  // ------------------------------------------------------------------ hooks for tests

  /** A catalog-api that answers watch requests with a plain list (as before watch existed). */
  public void watchEnabled(boolean enabled) {
    this.watchEnabled = enabled;
  }

  public synchronized ObjectNode get(ResourceKind kind, String ns, String name) {
    ObjectNode o = objects.get(key(kind, ns, name));
    return o == null ? null : o.deepCopy();
  }

  public synchronized List<ObjectNode> list(ResourceKind kind) {
    List<ObjectNode> out = new ArrayList<>();
    objects.forEach(
        (k, v) -> {
          if (k.startsWith(kind.plural() + "|")) {
            out.add(v.deepCopy());
          }
        });
    return out;
  }

  /** Creates or replaces an object as the catalog itself would (a broker's catalog, REST user). */
  public synchronized ObjectNode serverPut(ResourceKind kind, ObjectNode object) {
    ObjectNode meta = (ObjectNode) object.get("metadata");
    String k = key(kind, meta.path("namespace").asText(null), meta.path("name").asText());
    ObjectNode existing = objects.get(k);
    object.put("apiVersion", ServiceCatalog.API_VERSION).put("kind", kind.kind());
    if (existing == null) {
      meta.put("uid", UUID.randomUUID().toString());
      meta.put("creationTimestamp", Times.now());
      meta.put("generation", 1);
    } else {
      meta.set("uid", existing.path("metadata").get("uid"));
      meta.set("creationTimestamp", existing.path("metadata").get("creationTimestamp"));
      meta.put("generation", existing.path("metadata").path("generation").asLong(1));
    }
    return store(kind, k, object, existing == null ? "ADDED" : "MODIFIED");
  }

  /** Changes a stored object as the catalog would (status from a broker result, ...). */
  public synchronized ObjectNode serverUpdate(
      ResourceKind kind, String ns, String name, Consumer<ObjectNode> change) {
    String k = key(kind, ns, name);
    ObjectNode o = Objects.requireNonNull(objects.get(k), k).deepCopy();
    change.accept(o);
    return store(kind, k, o, "MODIFIED");
  }

  /** The object disappears (deprovision done, finalizer removed; or a broker's class removed). */
  public synchronized void remove(ResourceKind kind, String ns, String name) {
    String k = key(kind, ns, name);
    ObjectNode o = objects.remove(k);
    if (o != null) {
      ((ObjectNode) o.get("metadata")).put("resourceVersion", Long.toString(++resourceVersion));
      emit(new Event(resourceVersion, kind, "DELETED", o));
    }
  }

  /** The next request with this method answers {@code code} with a Status of {@code reason}. */
  public synchronized void rejectNext(String method, int code, String reason, String message) {
    rejections.add(new Rejection(method, code, reason, message));
  }

  public synchronized void conflictOnNextPut() {
    conflictOnNextPut = true;
  }

  /** Watches from a resourceVersion below this answer 410 Gone. */
  public synchronized void expireWatchesBefore(long rv) {
    expiredBefore = rv;
  }

  /** Ends every open watch stream (as a catalog-api restart would). */
  public void closeWatches() {
    for (BlockingQueue<Event> q : watchers) {
      q.add(new Event(-1, null, "CLOSE", null));
    }
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<Request> requests(String method, String pathContains) {
    return requests.stream()
        .filter(r -> r.method().equals(method) && r.path().contains(pathContains))
        .toList();
  }

  public synchronized void clear() {
    objects.clear();
    requests.clear();
    rejections.clear();
    conflictOnNextPut = false;
  }

  @Override
  public void close() {
    closeWatches();
    server.stop(0);
    executor.shutdownNow();
  }

  // ------------------------------------------------------------------ HTTP

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, List<String>> headers = new LinkedHashMap<>(ex.getRequestHeaders());
    try {
      if (!path.startsWith(BASE + "/")) {
        answer(ex, method, path, headers, body, 404, status(404, "NotFound", "no such path"));
        return;
      }
      List<String> seg = new ArrayList<>();
      for (String s : path.substring(BASE.length() + 1).split("/")) {
        seg.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
      }
      String ns = null;
      if (seg.size() >= 2 && seg.get(0).equals("namespaces")) {
        ns = seg.get(1);
        seg = seg.subList(2, seg.size());
      }
      ResourceKind kind = ResourceKind.fromPlural(seg.get(0)).orElse(null);
      if (kind == null) {
        answer(
            ex,
            method,
            path,
            headers,
            body,
            404,
            status(404, "NotFound", "unknown resource " + seg.get(0)));
        return;
      }
      String name = seg.size() > 1 ? seg.get(1) : null;
      Map<String, String> q = query(query);
      if (name == null && method.equals("GET") && "true".equals(q.get("watch")) && watchEnabled) {
        requests.add(new Request(method, path + "?" + query, headers, body, 200));
        watch(ex, kind, ns, q.get("resourceVersion"));
        return;
      }
      Answer a;
      synchronized (this) {
        a = dispatch(method, kind, ns, name, body, headers);
      }
      answer(ex, method, path, headers, body, a.code, a.body);
    } catch (RuntimeException e) {
      answer(ex, method, path, headers, body, 500, status(500, "InternalError", e.toString()));
    }
  }

  private record Answer(int code, JsonNode body) {}

  private Answer dispatch(
      String method,
      ResourceKind kind,
      String ns,
      String name,
      String body,
      Map<String, List<String>> headers) {
    Rejection r = rejections.peek();
    if (r != null && r.method().equals(method)) {
      rejections.poll();
      return new Answer(r.code(), status(r.code(), r.reason(), r.message()));
    }
    switch (method) {
      case "GET" -> {
        if (name == null) {
          ObjectNode list = Json.MAPPER.createObjectNode();
          list.put("apiVersion", ServiceCatalog.API_VERSION).put("kind", kind.kind() + "List");
          list.putObject("metadata").put("resourceVersion", Long.toString(resourceVersion));
          ArrayNode items = list.putArray("items");
          objects.forEach(
              (k, v) -> {
                if (k.startsWith(kind.plural() + "|")
                    && (ns == null || ns.equals(v.path("metadata").path("namespace").asText()))) {
                  items.add(v);
                }
              });
          return new Answer(200, list);
        }
        ObjectNode o = objects.get(key(kind, ns, name));
        return o == null ? notFound(kind, name) : new Answer(200, o);
      }
      case "POST" -> {
        ObjectNode obj = (ObjectNode) read(body);
        ObjectNode meta =
            obj.get("metadata") instanceof ObjectNode m ? m : obj.putObject("metadata");
        String n = meta.path("name").asText();
        String k = key(kind, ns, n);
        if (objects.containsKey(k)) {
          return new Answer(
              409, status(409, "AlreadyExists", kind.plural() + " \"" + n + "\" already exists"));
        }
        if (kind.namespaced()) {
          meta.put("namespace", ns);
        }
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", Times.now());
        meta.put("generation", 1);
        obj.put("apiVersion", ServiceCatalog.API_VERSION).put("kind", kind.kind());
        ObjectNode spec = obj.get("spec") instanceof ObjectNode s ? s : obj.putObject("spec");
        if (kind == ResourceKind.SERVICE_INSTANCE || kind == ResourceKind.SERVICE_BINDING) {
          if (!spec.hasNonNull("externalID")) {
            spec.put("externalID", UUID.randomUUID().toString());
          }
          ObjectNode caller = caller(headers);
          if (caller == null) {
            spec.remove("userInfo");
          } else {
            spec.set("userInfo", caller);
          }
        }
        if (kind.isBroker()
            || kind == ResourceKind.SERVICE_INSTANCE
            || kind == ResourceKind.SERVICE_BINDING) {
          meta.putArray("finalizers").add(ServiceCatalog.FINALIZER);
          ObjectNode status = obj.putObject("status");
          status
              .putArray("conditions")
              .addObject()
              .put("type", "Ready")
              .put("status", "False")
              .put("reason", "Waiting")
              .put("message", "waiting")
              .put("lastTransitionTime", Times.now());
          status.put("lastConditionState", "Waiting");
        } else {
          obj.putObject("status").put("removedFromBrokerCatalog", false);
        }
        return new Answer(201, store(kind, k, obj, "ADDED"));
      }
      case "PUT" -> {
        if (conflictOnNextPut) {
          conflictOnNextPut = false;
          return new Answer(
              409,
              status(
                  409,
                  "Conflict",
                  "the object has been modified; please apply your changes to the latest version"
                      + " and try again"));
        }
        String k = key(kind, ns, name);
        ObjectNode existing = objects.get(k);
        if (existing == null) {
          return notFound(kind, name);
        }
        ObjectNode obj = (ObjectNode) read(body);
        String sentRv = obj.path("metadata").path("resourceVersion").asText("");
        if (!sentRv.equals(existing.path("metadata").path("resourceVersion").asText())) {
          return new Answer(409, status(409, "Conflict", "stale resourceVersion " + sentRv));
        }
        ObjectNode next = existing.deepCopy();
        ObjectNode spec =
            obj.get("spec") instanceof ObjectNode s ? s.deepCopy() : Json.MAPPER.createObjectNode();
        if (kind == ResourceKind.SERVICE_INSTANCE || kind == ResourceKind.SERVICE_BINDING) {
          ObjectNode caller = caller(headers);
          if (caller != null) {
            spec.set("userInfo", caller);
          } else if (existing.path("spec").has("userInfo")) {
            spec.set("userInfo", existing.path("spec").get("userInfo"));
          }
          if (!spec.hasNonNull("externalID")) {
            spec.set("externalID", existing.path("spec").get("externalID"));
          }
        }
        boolean specChanged = !spec.equals(existing.get("spec"));
        next.set("spec", spec);
        if (specChanged) {
          ((ObjectNode) next.get("metadata"))
              .put("generation", existing.path("metadata").path("generation").asLong() + 1);
        }
        return new Answer(200, store(kind, k, next, "MODIFIED"));
      }
      case "DELETE" -> {
        String k = key(kind, ns, name);
        ObjectNode existing = objects.get(k);
        if (existing == null) {
          return notFound(kind, name);
        }
        if (existing.path("metadata").path("finalizers").isEmpty()) {
          remove(kind, ns, name);
          return new Answer(200, existing);
        }
        if (existing.path("metadata").hasNonNull("deletionTimestamp")) {
          return new Answer(200, existing);
        }
        ObjectNode next = existing.deepCopy();
        ((ObjectNode) next.get("metadata")).put("deletionTimestamp", Times.now());
        return new Answer(200, store(kind, k, next, "MODIFIED"));
      }
      default -> {
        return new Answer(405, status(405, "MethodNotAllowed", method));
      }
    }
  }

  private ObjectNode store(ResourceKind kind, String k, ObjectNode obj, String type) {
    ((ObjectNode) obj.get("metadata")).put("resourceVersion", Long.toString(++resourceVersion));
    objects.put(k, obj);
    emit(new Event(resourceVersion, kind, type, obj.deepCopy()));
    return obj.deepCopy();
  }

  private void emit(Event e) {
    log.add(e);
    for (BlockingQueue<Event> q : watchers) {
      q.add(e);
    }
  }

  private void watch(HttpExchange ex, ResourceKind kind, String ns, String fromRv)
      throws IOException {
    BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    long from = fromRv == null || fromRv.isEmpty() ? 0 : Long.parseLong(fromRv);
    synchronized (this) {
      if (from < expiredBefore) {
        byte[] gone =
            status(410, "Expired", "too old resource version: " + from)
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(410, gone.length);
        ex.getResponseBody().write(gone);
        ex.close();
        return;
      }
      for (Event e : log) {
        if (e.rv() > from && e.kind() == kind) {
          queue.add(e);
        }
      }
      watchers.add(queue);
    }
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody()) {
      while (true) {
        Event e = queue.take();
        if ("CLOSE".equals(e.type())) {
          return;
        }
        if (e.kind() != kind
            || (ns != null && !ns.equals(e.object().path("metadata").path("namespace").asText()))) {
          continue;
        }
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("type", e.type()).set("object", e.object());
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException | IOException e) {
      // client went away or the fake is closing
    } finally {
      watchers.remove(queue);
    }
  }

  private void answer(
      HttpExchange ex,
      String method,
      String path,
      Map<String, List<String>> headers,
      String body,
      int code,
      JsonNode answer)
      throws IOException {
    requests.add(new Request(method, path, headers, body, code));
    byte[] bytes = answer.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static ObjectNode caller(Map<String, List<String>> headers) {
    ObjectNode u = null;
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      String h = e.getKey().toLowerCase();
      if (h.equals("x-remote-user")) {
        u = u == null ? Json.MAPPER.createObjectNode() : u;
        u.put("username", e.getValue().get(0));
      }
    }
    if (u == null) {
      return null;
    }
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      String h = e.getKey().toLowerCase();
      if (h.equals("x-remote-uid")) {
        u.put("uid", e.getValue().get(0));
      } else if (h.equals("x-remote-group")) {
        ArrayNode g = u.putArray("groups");
        e.getValue().forEach(g::add);
      } else if (h.startsWith("x-remote-extra-")) {
        ObjectNode extra = u.get("extra") instanceof ObjectNode x ? x : u.putObject("extra");
        ArrayNode vals =
            extra.putArray(
                URLDecoder.decode(h.substring("x-remote-extra-".length()), StandardCharsets.UTF_8));
        e.getValue().forEach(vals::add);
      }
    }
    return u;
  }

  private static Answer notFound(ResourceKind kind, String name) {
    return new Answer(404, status(404, "NotFound", kind.plural() + " \"" + name + "\" not found"));
  }

  public static ObjectNode status(int code, String reason, String message) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("apiVersion", "v1")
        .put("kind", "Status")
        .put("status", "Failure")
        .put("code", code)
        .put("reason", reason)
        .put("message", message);
    return s;
  }

  private static JsonNode read(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String p : raw.split("&")) {
      int i = p.indexOf('=');
      out.put(
          URLDecoder.decode(i < 0 ? p : p.substring(0, i), StandardCharsets.UTF_8),
          i < 0 ? "" : URLDecoder.decode(p.substring(i + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String key(ResourceKind kind, String ns, String name) {
    return kind.plural() + "|" + (kind.namespaced() ? ns : "") + "|" + name;
  }
}
