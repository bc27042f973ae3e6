package io.servicecatalog.gateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.gateway.support.FakeBroker.Framing;
import io.servicecatalog.gateway.support.FakeBroker.Raw;
import io.servicecatalog.gateway.support.FakeBroker.Reply;
import io.servicecatalog.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded generator of broker answers: valid answers of each OSB endpoint, mutations of them
 * (fields dropped, nulled, retyped, huge, odd unicode, control characters, deep nesting), random
 * JSON, and byte-level garbage (random bytes, bit flips, cut-off JSON), with status codes
 * expected and unexpected, odd headers (Retry-After, Content-Type) and odd framing (truncated,
 * chunked, streamed past any limit). Every credentials value carries a canary string, which must
 * never show up anywhere but in the sealed envelope.
 */
public final class BrokerResponses {

  /** The OSB answer being faked. */
  public enum Endpoint {
    CATALOG, PROVISION, UPDATE, DEPROVISION, BIND, UNBIND, POLL_INSTANCE, POLL_BINDING, GET_INSTANCE, GET_BINDING
  }

  /** One generated answer; {@code kind} names how it was made (for the counts). */
  public record Case(Endpoint endpoint, Reply reply, String kind, String canary) {}

  /** Secret values planted in credentials start with this; the number makes each one unique. */
  public static final String CANARY = "CANARY-s3cr3t-";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int[] COMMON_STATUSES = {200, 201, 202, 204, 400, 401, 403, 404, 408, 409, 410, 412, 422, 429, 500, 502, 503, 504};
  private static final String[] STRANGE_TEXT = {
      "", " ", "null", "\u0000", "a\u0000b", "\ud800", "\udfff\ud800", "\uFEFF", "\u202Eevil", "😀🙈", "\r\n\t", "日本語のテキスト",
      "<script>alert(1)</script>", "'; DROP TABLE operations; --", "%00%0d%0a", "${jndi:ldap://x}", "\\u0000", "\u007f\u0085\u2028"};
  private static final String[] STATES = {"in progress", "succeeded", "failed", "IN PROGRESS", "Succeeded", "done", "", "in_progress", "unknown"};
  private static final String[] ERRORS = {"AsyncRequired", "ConcurrencyError", "RequiresApp", "MaintenanceInfoConflict", "Other", ""};

  private final Random random;
  private final long maxResponseBytes;
  private long counter;

  public BrokerResponses(long seed, long maxResponseBytes) {
    this.random = new Random(seed);
    this.maxResponseBytes = maxResponseBytes;
  }

  public Case next() {
    return next(Endpoint.values()[random.nextInt(Endpoint.values().length)]);
  }

  /** An answer of one endpoint. */
  public Case next(Endpoint endpoint) {
    String canary = CANARY + (counter++) + "-" + Long.toHexString(random.nextLong());
    int status = status(endpoint);
    Map<String, String> headers = headers();
    int pick = random.nextInt(100);
    String kind;
    Raw raw;
    if (pick < 30) {
      kind = "valid";
      raw = exact(json(valid(endpoint, canary)));
    } else if (pick < 65) {
      kind = "mutated";
      raw = exact(json(mutate(valid(endpoint, canary), canary, 1 + random.nextInt(4))));
    } else if (pick < 75) {
      kind = "random-json";
      raw = exact(json(randomJson(0, canary)));
    } else if (pick < 85) {
      kind = "bytes";
      raw = exact(garbage(json(valid(endpoint, canary))));
    } else if (pick < 90) {
      kind = "empty";
      raw = exact(random.nextBoolean() ? new byte[0] : "  \n".getBytes(StandardCharsets.UTF_8));
    } else if (pick < 94) {
      kind = "truncated";
      raw = new Raw(json(valid(endpoint, canary)), Framing.TRUNCATED, 0);
    } else if (pick < 97) {
      kind = "chunked";
      raw = new Raw(json(mutate(valid(endpoint, canary), canary, 1)), Framing.CHUNKED, 0);
    } else if (pick < 99 || random.nextBoolean()) {
      kind = "huge-string";
      ObjectNode body = valid(endpoint, canary);
      String field = random.nextBoolean() ? "description" : random.nextBoolean() ? "dashboard_url" : "operation";
      body.put(field, "x".repeat(1 + random.nextInt(1_500_000)));
      raw = exact(json(body));
    } else {
      kind = "oversized";
      // Past the limit: streamed chunked, or announced by Content-Length (up to 1 GB).
      long size = maxResponseBytes + 1 + (random.nextInt(4) == 0 ? (1L << 30) - maxResponseBytes : random.nextInt(1 << 20));
      raw = new Raw("{\"description\":\"".getBytes(StandardCharsets.UTF_8),
          random.nextBoolean() ? Framing.STREAM_CHUNKED : Framing.STREAM_DECLARED, size);
    }
    return new Case(endpoint, Reply.raw(status, raw, headers), kind, canary);
  }

  // --- status and headers ------------------------------------------------------------------

  private int status(Endpoint e) {
    int pick = random.nextInt(100);
    if (pick < 55) {
      return switch (e) {
        case CATALOG, POLL_INSTANCE, POLL_BINDING, GET_INSTANCE, GET_BINDING -> 200;
        case PROVISION, BIND -> new int[] {200, 201, 202}[random.nextInt(3)];
        case UPDATE -> random.nextBoolean() ? 200 : 202;
        case DEPROVISION, UNBIND -> new int[] {200, 202, 410}[random.nextInt(3)];
      };
    }
    if (pick < 92) {
      return COMMON_STATUSES[random.nextInt(COMMON_STATUSES.length)];
    }
    // Anything a status line can hold (1xx are interim answers, not an end of the exchange).
    return 200 + random.nextInt(800);
  }

  private Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    int ct = random.nextInt(10);
    if (ct < 6) {
      h.put("Content-Type", "application/json");
    } else if (ct == 6) {
      h.put("Content-Type", pick("text/html", "application/json; charset=iso-8859-1", "garbage/;;;", "", "application/xml"));
    }
    if (random.nextInt(3) == 0) {
      h.put("Retry-After", pick("1", "0", "-5", "abc", "99999999999999999999", "9223372036854775807", "86400000000",
          "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", " 2 ", "1.5", "", "0x10"));
    }
    if (random.nextInt(20) == 0) {
      h.put("X-Broker-API-Version", pick("2.17", "9.99", "garbage"));
    }
    return h;
  }

  // --- valid answers -----------------------------------------------------------------------

  private ObjectNode valid(Endpoint e, String canary) {
    ObjectNode o = F.objectNode();
    switch (e) {
      case CATALOG -> {
        ArrayNode services = o.putArray("services");
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
          ObjectNode s = services.addObject();
          s.put("id", "svc-" + i + "-" + random.nextInt(1000));
          s.put("name", "service-" + i);
          s.put("description", "A service");
          s.put("bindable", random.nextBoolean());
          s.putArray("tags").add("db");
          ArrayNode plans = s.putArray("plans");
          int m = 1 + random.nextInt(3);
          for (int k = 0; k < m; k++) {
            ObjectNode p = plans.addObject();
            p.put("id", "plan-" + i + "-" + k);
            p.put("name", "plan-" + k);
            p.put("description", "A plan");
            p.put("free", random.nextBoolean());
            if (random.nextBoolean()) {
              p.putObject("maintenance_info").put("version", "1.0." + k).put("description", "patch");
            }
            if (random.nextBoolean()) {
              p.putObject("schemas").putObject("service_instance").putObject("create").putObject("parameters")
                  .put("$schema", "http://json-schema.org/draft-04/schema#").put("type", "object");
            }
            if (random.nextBoolean()) {
              p.put("maximum_polling_duration", 60 + random.nextInt(1000));
            }
          }
        }
      }
      case PROVISION, UPDATE -> {
        if (random.nextBoolean()) {
          o.put("dashboard_url", "http://dashboard.example/" + random.nextInt(1000));
        }
        if (random.nextBoolean()) {
          o.put("operation", "task-" + random.nextInt(1000));
        }
        if (random.nextInt(4) == 0) {
          o.putObject("metadata").putObject("labels").put("k", "v");
        }
      }
      case DEPROVISION, UNBIND -> {
        if (random.nextBoolean()) {
          o.put("operation", "task-" + random.nextInt(1000));
        }
      }
      case BIND, GET_BINDING -> {
        ObjectNode c = o.putObject("credentials");
        c.put("username", "user");
        c.put("password", canary);
        c.put("port", 3306);
        if (random.nextBoolean()) {
          c.putObject("nested").put("token", canary).putArray("list").add(canary);
        }
        if (random.nextBoolean()) {
          o.putObject("metadata").put("expires_at", pick("2030-01-01T00:00:00Z", "2030-01-01T00:00:00.000+02:00", "tomorrow", "",
              "1970-01-01T00:00:00Z")).put("renew_before", pick("2029-12-31T00:00:00Z", "never"));
        }
        if (random.nextBoolean()) {
          o.put("operation", "bind-" + random.nextInt(1000));
        }
        if (random.nextInt(4) == 0) {
          o.put("syslog_drain_url", "syslog://drain");
        }
        if (e == Endpoint.GET_BINDING && random.nextBoolean()) {
          o.putObject("parameters").put("size", canary);
        }
      }
      case POLL_INSTANCE, POLL_BINDING -> {
        o.put("state", pick("in progress", "succeeded", "failed"));
        if (random.nextBoolean()) {
          o.put("description", "step " + random.nextInt(10));
        }
        if (random.nextInt(3) == 0) {
          o.put("instance_usable", random.nextBoolean());
        }
        if (random.nextInt(3) == 0) {
          o.put("update_repeatable", random.nextBoolean());
        }
      }
      case GET_INSTANCE -> {
        o.put("service_id", "svc-1");
        o.put("plan_id", "plan-1");
        o.put("dashboard_url", "http://dashboard.example/x");
        o.putObject("parameters").put("size", "small");
        if (random.nextBoolean()) {
          o.putObject("maintenance_info").put("version", "1.0.0");
        }
      }
    }
    if (random.nextInt(5) == 0) {
      o.put("error", pick(ERRORS));
      o.put("description", pick("bad things", pick(STRANGE_TEXT)));
    }
    return o;
  }

  // --- mutations ---------------------------------------------------------------------------

  private JsonNode mutate(ObjectNode body, String canary, int times) {
    JsonNode current = body;
    for (int i = 0; i < times; i++) {
      current = mutateOnce(current, canary);
    }
    return current;
  }

  private JsonNode mutateOnce(JsonNode node, String canary) {
    List<ObjectNode> objects = new ArrayList<>();
    collectObjects(node, objects);
    if (objects.isEmpty()) {
      return randomJson(0, canary);
    }
    ObjectNode target = objects.get(random.nextInt(objects.size()));
    List<String> names = new ArrayList<>();
    target.fieldNames().forEachRemaining(names::add);
    String field = names.isEmpty() || random.nextInt(4) == 0
        ? pick("state", "operation", "dashboard_url", "description", "credentials", "services", "plans", "id", "name",
            "error", "instance_usable", "update_repeatable", "metadata", "maintenance_info", "schemas", "expires_at")
        : names.get(random.nextInt(names.size()));
    switch (random.nextInt(10)) {
      case 0 -> target.remove(field);
      case 1 -> target.putNull(field);
      case 2 -> target.set(field, scalar(canary));
      case 3 -> target.set(field, randomJson(2, canary));
      case 4 -> target.put(field, pick(STRANGE_TEXT));
      case 5 -> target.put(field, pick(STATES));
      case 6 -> target.set(field, deep(10 + random.nextInt(200)));
      case 7 -> target.put(field, "x".repeat(random.nextInt(20_000)));
      case 8 -> {
        // Many entries (wide arrays: thousands of plans or services).
        ArrayNode wide = F.arrayNode();
        int n = random.nextInt(3000);
        for (int k = 0; k < n; k++) {
          wide.add(random.nextInt(10) == 0 ? scalar(canary) : F.objectNode().put("id", "i" + k).put("name", "n" + k));
        }
        target.set(field, wide);
      }
      default -> {
        // Replace the whole body with a non-object.
        return random.nextBoolean() ? F.arrayNode().add(node) : scalar(canary);
      }
    }
    return node;
  }

  private static void collectObjects(JsonNode n, List<ObjectNode> out) {
    if (n instanceof ObjectNode o) {
      out.add(o);
    }
    if (n.isContainerNode()) {
      for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
        collectObjects(it.next(), out);
      }
    }
  }

  private JsonNode scalar(String canary) {
    return switch (random.nextInt(9)) {
      case 0 -> F.numberNode(random.nextLong());
      case 1 -> F.numberNode(random.nextDouble() * 1e300);
      case 2 -> F.booleanNode(random.nextBoolean());
      case 3 -> F.nullNode();
      case 4 -> F.textNode(pick(STRANGE_TEXT));
      case 5 -> F.numberNode(new java.math.BigInteger(200, random));
      case 6 -> F.textNode("password");
      default -> F.textNode(randomString(random.nextInt(40)));
    };
  }

  private JsonNode randomJson(int depth, String canary) {
    int pick = random.nextInt(depth > 4 ? 3 : 6);
    if (pick < 3) {
      return scalar(canary);
    }
    if (pick < 5) {
      ObjectNode o = F.objectNode();
      int n = random.nextInt(6);
      for (int i = 0; i < n; i++) {
        o.set(random.nextInt(3) == 0 ? pick("state", "operation", "services", "credentials", "description", "dashboard_url")
            : randomString(1 + random.nextInt(10)), randomJson(depth + 1, canary));
      }
      return o;
    }
    ArrayNode a = F.arrayNode();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      a.add(randomJson(depth + 1, canary));
    }
    return a;
  }

  private JsonNode deep(int depth) {
    JsonNode n = F.textNode("bottom");
    for (int i = 0; i < depth; i++) {
      n = random.nextBoolean() ? F.arrayNode().add(n) : F.objectNode().set("d", n);
    }
    return n;
  }

  private String randomString(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(10);
      sb.append(kind < 6 ? (char) ('a' + random.nextInt(26)) : kind < 8 ? (char) random.nextInt(0x80) : (char) random.nextInt(0x10000));
    }
    return sb.toString();
  }

  // --- bytes -------------------------------------------------------------------------------

  private byte[] garbage(byte[] valid) {
    switch (random.nextInt(5)) {
      case 0 -> {
        byte[] b = new byte[random.nextInt(4096)];
        random.nextBytes(b);
        return b;
      }
      case 1 -> {
        byte[] b = valid.clone();
        for (int i = 0, n = 1 + random.nextInt(8); i < n && b.length > 0; i++) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
      }
      case 2 -> {
        return java.util.Arrays.copyOf(valid, valid.length == 0 ? 0 : random.nextInt(valid.length));
      }
      case 3 -> {
        // Not UTF-8: the valid body in UTF-16, or with invalid sequences spliced in.
        if (random.nextBoolean()) {
          return new String(valid, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16);
        }
        byte[] b = valid.clone();
        if (b.length > 2) {
          int at = random.nextInt(b.length - 2);
          b[at] = (byte) 0xC3;
          b[at + 1] = (byte) 0x28;
        }
        return b;
      }
      default -> {
        String s = pick("<html><body>502 Bad Gateway</body></html>", "OK", "null", "true", "[]", "\"string\"", "{", "}",
            "{\"state\":", "{\"services\":[{}", "{\"a\":1}{\"b\":2}", "{\"a\":1} trailing", "NaN", "-0", "1e999999", "\u0000\u0000",
            "NESTED");
        if (s.equals("NESTED")) {
          // Nesting far past what any parser should follow.
          int depth = 1000 + random.nextInt(100_000);
          return ("{\"services\":" + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
        }
        return s.getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  private static Raw exact(byte[] bytes) {
    return new Raw(bytes, Framing.EXACT, 0);
  }

  private static byte[] json(JsonNode n) {
    try {
      return Json.MAPPER.writeValueAsBytes(n);
    } catch (Exception e) {
      // Unpaired surrogates cannot be written as UTF-8 by Jackson, nor nesting past its limit:
      // the Writer-based generator takes the former, the latter is sent as too deep a catalog.
      try {
        return Json.MAPPER.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
      } catch (Exception tooDeep) {
        return ("{\"services\":" + "[".repeat(1500) + "]".repeat(1500) + "}").getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  private String pick(String... options) {
    return options[random.nextInt(options.length)];
  }
}
