package io.servicecatalog.gateway.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real OSB broker over HTTP with behaviour chosen per instance or binding id, which
 * records every request it gets (method, path, query, headers, body) for assertions.
 */
public final class FakeBroker {
  public static final String USER = "broker-user";
  public static final String PASSWORD = "broker-pass";

  /** How the broker answers for one instance or binding id. */
  public static final class Behaviour {
    /** Status of successive PUTs (the last one repeats): 201 sync, 202 async, 500, 400... */
    public List<Integer> putStatuses = List.of(201);
    /** For async operations: how many polls answer "in progress" before the final state. */
    public int polls;
    public String retryAfter;
    public String finalState = "succeeded";
    /** Delay before answering each of the first {@code slowPuts} PUTs. */
    public long delayMs;
    public int slowPuts = Integer.MAX_VALUE;
    public int deleteStatus = 200;

    public static Behaviour sync() {
      return new Behaviour();
    }

    public static Behaviour async(int polls, String retryAfter) {
      Behaviour b = new Behaviour();
      b.putStatuses = List.of(202);
      b.polls = polls;
      b.retryAfter = retryAfter;
      return b;
    }

    public static Behaviour statuses(Integer... statuses) {
      Behaviour b = new Behaviour();
      b.putStatuses = List.of(statuses);
      return b;
    }
  }

  /**
   * How a raw body goes on the wire: {@code EXACT} with its Content-Length, {@code CHUNKED},
   * {@code TRUNCATED} (Content-Length announces more than is sent, then the connection closes),
   * {@code STREAM_CHUNKED} / {@code STREAM_DECLARED}: {@code streamBytes} of filler generated
   * while sending, chunked or with that Content-Length (never held in memory).
   */
  public enum Framing { EXACT, CHUNKED, TRUNCATED, STREAM_CHUNKED, STREAM_DECLARED }

  /** A body given as bytes (any bytes, not necessarily UTF-8 or JSON) and how it is framed. */
  public record Raw(byte[] bytes, Framing framing, long streamBytes) {}

  /** One programmed answer: status, body, delay before answering, extra headers; {@code raw} wins over {@code body}. */
  public record Reply(int status, String body, long delayMs, Map<String, String> headers, Raw raw) {
    public Reply(int status, String body, long delayMs, Map<String, String> headers) {
      this(status, body, delayMs, headers, null);
    }

    public static Reply of(int status, String body) {
      return new Reply(status, body, 0, Map.of());
    }

    public static Reply raw(int status, Raw raw, Map<String, String> headers) {
      return new Reply(status, null, 0, headers, raw);
    }

    public static Reply of(int status) {
      return of(status, "{}");
    }

    public Reply delayed(long ms) {
      return new Reply(status, body, ms, headers, raw);
    }

    public Reply header(String name, String value) {
      Map<String, String> h = new HashMap<>(headers);
      h.put(name, value);
      return new Reply(status, body, delayMs, h, raw);
    }
  }

  /** The API versions (X-Broker-API-Version) a broker path prefix accepts; others get 412. */
  public final Map<String, List<String>> acceptedVersions = new ConcurrentHashMap<>();
  /** A bearer token a broker path prefix wants instead of the basic credentials. */
  public final Map<String, String> bearerTokens = new ConcurrentHashMap<>();
  /** Catalog bodies per broker path prefix ("/b-name"); the default catalogBody otherwise. */
  public final Map<String, String> catalogs = new ConcurrentHashMap<>();
  private final Map<String, java.util.Deque<Reply>> programmed = new ConcurrentHashMap<>();

  /**
   * Programs the next answers for requests about {@code id} (an instance or binding id) with
   * {@code method} to {@code endpoint}: "" for the instance or binding itself, "last_operation"
   * for its poll. Each request takes the next reply; when they are used up the behaviour of the
   * id (or the default) answers again.
   */
  public void program(String id, String method, String endpoint, Reply... replies) {
    programmed.computeIfAbsent(id + " " + method + " " + endpoint, k -> new java.util.concurrent.ConcurrentLinkedDeque<>())
        .addAll(List.of(replies));
  }

  private Reply next(String id, String method, String endpoint) {
    java.util.Deque<Reply> q = programmed.get(id + " " + method + " " + endpoint);
    return q == null ? null : q.poll();
  }

  public record Recorded(String method, String path, Map<String, String> query, Map<String, String> headers, String body, Instant at) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final HttpServer server;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  /** Off: requests are not recorded (a fuzz run sends far too many to keep). */
  public volatile boolean recording = true;
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> puts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
  public volatile int catalogStatus = 200;
  public volatile String catalogBody =
      "{\"services\":[{\"id\":\"svc-1\",\"name\":\"mariadb\",\"description\":\"MariaDB\",\"bindable\":true,"
          + "\"plans\":[{\"id\":\"plan-1\",\"name\":\"small\",\"description\":\"Small\"}]}]}";

  public FakeBroker() throws IOException {
    this(null);
  }

  /** Over HTTPS with {@code tls} (a server key and certificate, see {@link TestCertificates}) when not null. */
  public FakeBroker(javax.net.ssl.SSLContext tls) throws IOException {
    if (tls != null) {
      com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
      server = https;
    } else {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    }
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-broker");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return (server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
  }

  public void stop() {
    server.stop(0);
  }

  /** Behaviour for an instance id (provision, deprovision) or binding id (bind, unbind). */
  public void behave(String id, Behaviour b) {
    behaviours.put(id, b);
  }

  public List<Recorded> requests() {
    return List.copyOf(requests);
  }

  public List<Recorded> requests(String method, String pathPrefix) {
    return requests.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
  }

  /** Requests whose path is exactly {@code path} (no sub-resources). */
  public List<Recorded> exactly(String method, String path) {
    return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
  }

  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  /** The most requests one broker path prefix had open at once. */
  public final Map<String, Integer> maxInFlight = new ConcurrentHashMap<>();

  private void handle(HttpExchange ex) throws IOException {
    String pre = prefix(ex.getRequestURI().getRawPath());
    int now = inFlight.computeIfAbsent(pre, k -> new AtomicInteger()).incrementAndGet();
    maxInFlight.merge(pre, now, Math::max);
    try {
      handleOne(ex);
    } finally {
      inFlight.get(pre).decrementAndGet();
    }
  }

  private void handleOne(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new HashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.isEmpty() ? null : v.get(0)));
      String path = ex.getRequestURI().getRawPath();
      Recorded rec = new Recorded(ex.getRequestMethod(), decodePath(path), query(ex.getRequestURI().getRawQuery()), headers, body, Instant.now());
      if (recording) {
        requests.add(rec);
      }
      String prefix = prefix(rec.path());
      String expected = bearerTokens.containsKey(prefix)
          ? "Bearer " + bearerTokens.get(prefix)
          : "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(rec.header("Authorization"))) {
        reply(ex, 401, "{\"description\":\"bad credentials\"}", null);
        return;
      }
      List<String> versions = acceptedVersions.get(prefix);
      if (versions != null && !versions.contains(rec.header("X-Broker-API-Version"))) {
        reply(ex, 412, "{\"description\":\"use one of " + versions + "\"}", null);
        return;
      }
      route(ex, rec);
    }
  }

  private static String prefix(String path) {
    if (path.startsWith("/b-")) {
      int slash = path.indexOf('/', 1);
      return slash < 0 ? path : path.substring(0, slash);
    }
    return "";
  }

  private void route(HttpExchange ex, Recorded r) throws IOException {
    String path = r.path();
    // A broker URL may carry a path prefix (http://host/b-xyz): tests use one per broker.
    if (path.startsWith("/b-")) {
      int slash = path.indexOf('/', 1);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    String[] p = path.split("/");
    // ["", "v2", "catalog"] | ["", "v2", "service_instances", iid, ...]
    if (p.length == 3 && p[2].equals("catalog")) {
      Reply programmedCatalog = next("catalog" + prefix(r.path()), "GET", "");
      if (programmedCatalog != null) {
        send(ex, programmedCatalog);
        return;
      }
      reply(ex, catalogStatus, catalogStatus == 200 ? catalogs.getOrDefault(prefix(r.path()), catalogBody)
          : "{\"error\":\"Boom\",\"description\":\"catalog unavailable\"}", null);
      return;
    }
    if (p.length < 4 || !p[2].equals("service_instances")) {
      reply(ex, 404, "{}", null);
      return;
    }
    String iid = p[3];
    if (p.length == 4) {
      resource(ex, r, iid, "instance");
    } else if (p.length == 5 && p[4].equals("last_operation")) {
      lastOperation(ex, r, iid);
    } else if (p.length == 6 && p[4].equals("service_bindings")) {
      resource(ex, r, p[5], "binding");
    } else if (p.length == 7 && p[6].equals("last_operation")) {
      lastOperation(ex, r, p[5]);
    } else {
      reply(ex, 404, "{}", null);
    }
  }

  private void send(HttpExchange ex, Reply reply) throws IOException {
    sleep(reply.delayMs());
    if (reply.raw() != null) {
      // Headers exactly as programmed: no Content-Type unless the reply has one.
      reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      sendRaw(ex, reply.status(), reply.raw());
      return;
    }
    reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    reply(ex, reply.status(), reply.body(), null);
  }

  private static void sendRaw(HttpExchange ex, int status, Raw raw) throws IOException {
    byte[] bytes = raw.bytes() == null ? new byte[0] : raw.bytes();
    boolean noBody = status == 204 || status == 304;
    try {
      switch (raw.framing()) {
        case EXACT -> {
          ex.sendResponseHeaders(status, noBody || bytes.length == 0 ? -1 : bytes.length);
          if (!noBody && bytes.length > 0) {
            ex.getResponseBody().write(bytes);
          }
        }
        case CHUNKED -> {
          ex.sendResponseHeaders(status, noBody ? -1 : 0);
          if (!noBody) {
            ex.getResponseBody().write(bytes);
          }
        }
        case TRUNCATED -> {
          ex.sendResponseHeaders(status, bytes.length + 1 + bytes.length / 2);
          ex.getResponseBody().write(bytes);
          ex.getResponseBody().flush();
          // Closing short of the announced length makes the server drop the connection.
        }
        case STREAM_CHUNKED, STREAM_DECLARED -> {
          ex.sendResponseHeaders(status, raw.framing() == Framing.STREAM_CHUNKED ? 0 : raw.streamBytes());
          byte[] chunk = new byte[64 * 1024];
          java.util.Arrays.fill(chunk, (byte) '7');
          OutputStream out = ex.getResponseBody();
          out.write(bytes);
          for (long sent = bytes.length; sent < raw.streamBytes(); sent += chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, raw.streamBytes() - sent));
          }
        }
      }
    } catch (IOException clientGaveUp) {
      // The client stops reading past its limit: expected for streamed and truncated bodies.
    }
  }

  private void resource(HttpExchange ex, Recorded r, String id, String kind) throws IOException {
    Reply programmedReply = next(id, r.method(), "");
    if (programmedReply != null) {
      if (r.method().equals("PUT") && programmedReply.status() == 202) {
        polls.put(id, new AtomicInteger());
      }
      send(ex, programmedReply);
      return;
    }
    Behaviour b = behaviours.getOrDefault(id, Behaviour.sync());
    switch (r.method()) {
      case "PUT" -> {
        int n = puts.computeIfAbsent(id, k -> new AtomicInteger()).getAndIncrement();
        int status = b.putStatuses.get(Math.min(n, b.putStatuses.size() - 1));
        if (n < b.slowPuts) {
          sleep(b.delayMs);
        }
        if (status == 202) {
          polls.put(id, new AtomicInteger());
          reply(ex, 202, "{\"operation\":\"op-" + id + "\"" + ("instance".equals(kind) ? ",\"dashboard_url\":\"http://dash/" + id + "\"" : "") + "}", null);
        } else if (status == 200 || status == 201) {
          reply(ex, status, "instance".equals(kind) ? "{\"dashboard_url\":\"http://dash/" + id + "\"}" : credentials(id), null);
        } else {
          reply(ex, status, "{\"error\":\"Failure" + status + "\",\"description\":\"the fake broker says no (" + status + ")\"}", null);
        }
      }
      case "DELETE" -> reply(ex, b.deleteStatus, "{}", null);
      case "PATCH" -> reply(ex, 200, "{}", null);
      case "GET" -> reply(ex, 200, credentials(id), null);
      default -> reply(ex, 405, "{}", null);
    }
  }

  private void lastOperation(HttpExchange ex, Recorded r, String id) throws IOException {
    Reply programmedReply = next(id, r.method(), "last_operation");
    if (programmedReply != null) {
      send(ex, programmedReply);
      return;
    }
    Behaviour b = behaviours.getOrDefault(id, Behaviour.sync());
    int n = polls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    if (n <= b.polls) {
      reply(ex, 200, "{\"state\":\"in progress\",\"description\":\"step " + n + " of " + b.polls + "\"}", b.retryAfter);
    } else {
      reply(ex, 200, "{\"state\":\"" + b.finalState + "\",\"description\":\"done\"}", null);
    }
  }

  public static String credentials(String bindingId) {
    return "{\"credentials\":{\"username\":\"user-" + bindingId + "\",\"password\":\"s3cr3t-" + bindingId + "\",\"port\":3306}}";
  }

  private static void reply(HttpExchange ex, int status, String body, String retryAfter) throws IOException {
    byte[] bytes = status == 204 || status == 304 || body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    if (retryAfter != null) {
      ex.getResponseHeaders().set("Retry-After", retryAfter);
    }
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static void sleep(long ms) {
    if (ms > 0) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String decodePath(String raw) {
    List<String> parts = new ArrayList<>();
    for (String s : raw.split("/", -1)) {
      parts.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
    }
    return String.join("/", parts);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int i = pair.indexOf('=');
      String k = URLDecoder.decode(i < 0 ? pair : pair.substring(0, i), StandardCharsets.UTF_8);
      String v = i < 0 ? "" : URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8);
      q.put(k, v);
    }
    return q;
  }
}
