package io.servicecatalog.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.servicecatalog.model.Json;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, "Bad input": random and mutated requests for every kind and verb against the running
 * service. Inputs come from a seeded {@link Random} inside a plain {@code @QuarkusTest} (no
 * property-testing framework: the Quarkus test extension owns the lifecycle), so a failure is
 * replayed with {@code -Dfuzz.seed=<seed>}. Length: {@code -Dfuzz.requests=N} (default 3000).
 *
 * <p>Oracles, for every request: status below 500; every 4xx body is a Kubernetes Status (kind
 * Status, code equal to the HTTP status, non-empty reason); no Java class name or "Exception" in
 * any body; and a seeded object that a refused request aimed at is unchanged (body and
 * resourceVersion) afterwards.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class BadInputFuzzTest {
  static final String API = "/apis/servicecatalog.k8s.io/v1beta1";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final Pattern LEAK = Pattern.compile(
      "Exception|[A-Z][A-Za-z]+\\.get[A-Z]\\w*\\(\\)|\\bat [a-z]+\\.[a-zA-Z.$]+\\(|java\\.[a-z]+\\.|io\\.servicecatalog\\.|com\\.fasterxml|io\\.vertx|org\\.jboss|io\\.quarkus");
  static final String NS = "fuzz-seed";
  /** LEAK matches found in request bodies sent so far (stored data may echo them later). */
  final java.util.Set<String> sentMarkers = new java.util.HashSet<>();

  /** plural, namespaced, a valid spec. */
  record Kind(String plural, boolean namespaced, String kind, String spec) {}

  static final List<Kind> KINDS = List.of(
      new Kind("clusterservicebrokers", false, "ClusterServiceBroker", "{\"url\":\"http://127.0.0.1:1\"}"),
      new Kind("servicebrokers", true, "ServiceBroker", "{\"url\":\"http://127.0.0.1:1\"}"),
      new Kind("clusterserviceclasses", false, "ClusterServiceClass",
          "{\"clusterServiceBrokerName\":\"b\",\"externalName\":\"c\",\"externalID\":\"c-id\"}"),
      new Kind("serviceclasses", true, "ServiceClass",
          "{\"serviceBrokerName\":\"b\",\"externalName\":\"c\",\"externalID\":\"c-id\"}"),
      new Kind("clusterserviceplans", false, "ClusterServicePlan",
          "{\"clusterServiceBrokerName\":\"b\",\"externalName\":\"p\",\"externalID\":\"p-id\","
              + "\"clusterServiceClassRef\":{\"name\":\"c\"},\"instanceCreateParameterSchema\":{\"type\":\"object\"}}"),
      new Kind("serviceplans", true, "ServicePlan",
          "{\"serviceBrokerName\":\"b\",\"externalName\":\"p\",\"externalID\":\"p-id\","
              + "\"serviceClassRef\":{\"name\":\"c\"}}"),
      new Kind("serviceinstances", true, "ServiceInstance",
          "{\"clusterServiceClassExternalName\":\"c\",\"clusterServicePlanExternalName\":\"p\","
              + "\"parameters\":{\"a\":1,\"b\":{\"c\":[1,2]}},"
              + "\"parametersFrom\":[{\"secretKeyRef\":{\"name\":\"s\",\"key\":\"k\"}}]}"),
      new Kind("servicebindings", true, "ServiceBinding",
          "{\"instanceRef\":{\"name\":\"i\"},\"secretName\":\"sec\",\"parameters\":{\"x\":\"y\"},"
              + "\"secretTransforms\":[{\"renameKey\":{\"from\":\"a\",\"to\":\"b\"}}]}"));

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  Random rnd;
  /** path of a seeded object -> its JSON as last read. */
  final Map<String, JsonNode> seeds = new TreeMap<>();
  final Map<Integer, Integer> byStatus = new TreeMap<>();
  int requests;
  long runSeed;
  /** Problems found, one per kind of problem (the first input that showed it); reported together. */
  final Map<String, String> problems = new LinkedHashMap<>();

  void problem(String category, String responseBody, String detail) {
    String key = category + " | " + (responseBody == null ? "" : responseBody.replaceAll("\\d+", "N")
        .replaceAll("\"name\":\"[^\"]*\"", "").substring(0, Math.min(120, responseBody.length())));
    problems.putIfAbsent(key, category + " " + detail);
    if (problems.size() >= 40) {
      fail(report());
    }
  }

  String report() {
    return problems.size() + " distinct problems:\n\n" + String.join("\n\n", problems.values());
  }

  @Test
  void randomAndMutatedRequestsNeverBreakTheApi() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    int n = Integer.getInteger("fuzz.requests", 3000);
    rnd = new Random(seed);
    runSeed = seed;
    long started = System.nanoTime();
    seed();
    for (int k = 0; k < n; k++) {
      one(seed, k);
    }
    // Whatever happened, every seeded object can still be read and listed.
    for (Map.Entry<String, JsonNode> e : seeds.entrySet()) {
      Resp r = send("GET", e.getKey(), null, null, null);
      assertEquals(200, r.status, "seed " + e.getKey() + " unreadable after fuzzing: " + r.body);
    }
    if (!problems.isEmpty()) {
      fail(report());
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("FUZZ seed=%d requests=%d statuses=%s 5xx=0 time=%dms%n", seed, requests, byStatus, ms);
  }

  // ------------------------------------------------------------ the seeds

  void seed() throws Exception {
    for (Kind k : KINDS) {
      for (int i = 0; i < 2; i++) {
        String name = "seed-" + i;
        String path = collection(k, NS) + "/" + name;
        String body = "{\"apiVersion\":\"servicecatalog.k8s.io/v1beta1\",\"kind\":\"" + k.kind
            + "\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"fuzz\":\"seed\"}},\"spec\":" + k.spec + "}";
        Resp r = send("POST", collection(k, NS), "application/json", null, body);
        assertTrue(r.status == 201 || r.status == 409, "seeding " + path + ": " + r.status + " " + r.body);
        seeds.put(path, Json.MAPPER.readTree(send("GET", path, null, null, null).body));
      }
    }
  }

  static String collection(Kind k, String ns) {
    return API + (k.namespaced ? "/namespaces/" + enc(ns) : "") + "/" + enc(k.plural);
  }

  // ------------------------------------------------------------ one request

  void one(long seed, int index) throws Exception {
    Kind k = pick(KINDS);
    boolean onSeed = rnd.nextInt(3) > 0;
    String ns = rnd.nextInt(8) == 0 ? randomName() : NS;
    if (rnd.nextInt(30) == 0) {
      k = new Kind(rnd.nextBoolean() ? randomName() : pick(KINDS).plural + "x", rnd.nextBoolean(), "X", "{}");
      onSeed = false;
    }
    String name = onSeed ? "seed-" + rnd.nextInt(2) : randomName();
    String objectPath = collection(k, ns) + "/" + enc(name);
    boolean status = rnd.nextInt(5) == 0;
    String verb = pick(List.of("POST", "POST", "PUT", "PUT", "PATCH", "PATCH", "PATCH", "GET", "LIST", "DELETE"));
    String path;
    String contentType = pickContentType();
    String accept = rnd.nextInt(6) == 0 ? pick(List.of("application/yaml", "text/html", "*/*", "garbage",
        "application/json;as=Table;v=v1;g=meta.k8s.io", "application/json;as=Table;v=v1;g=meta.k8s.io, application/json",
        ";;;", "application/json; q=abc")) : null;
    String body = null;
    String method = verb;
    switch (verb) {
      case "POST" -> {
        path = collection(k, ns);
        body = objectBody(k, name);
      }
      case "PUT" -> {
        path = objectPath + (status ? "/status" : "");
        body = putBody(k, name, objectPath);
      }
      case "PATCH" -> {
        path = objectPath + (status ? "/status" : "");
        contentType = pick(List.of("application/merge-patch+json", "application/json-patch+json",
            "application/strategic-merge-patch+json", "application/apply-patch+yaml", contentType));
        body = patchBody(contentType);
      }
      case "GET" -> path = objectPath + (status ? "/status" : "");
      case "LIST" -> {
        method = "GET";
        path = (rnd.nextBoolean() && !k.namespaced ? API + "/" + k.plural : collection(k, ns)) + "?" + query();
      }
      default -> {
        // Seeded objects are not deleted (a successful delete would end the snapshot oracle).
        path = collection(k, ns) + "/" + enc(onSeed ? "gone-" + name : name);
        if (rnd.nextBoolean()) {
          body = rnd.nextBoolean() ? "{\"kind\":\"DeleteOptions\",\"preconditions\":{\"uid\":\"x\"}}" : garbage();
        }
      }
    }
    String seedPath = onSeed ? objectPath : null;
    Resp r = send(method, path, contentType, accept, body);
    check(seed, index, method, path, contentType, accept, body, r);
    if (seedPath != null && seeds.containsKey(seedPath) && !method.equals("GET")) {
      JsonNode after = Json.MAPPER.readTree(send("GET", seedPath, null, null, null).body);
      if (r.status >= 400) {
        if (!seeds.get(seedPath).equals(after)) {
          problem("refused request changed stored data", r.body, "(seed " + seed + ", request " + index + "): " + method + " "
              + path + " -> " + r.status + "\nbody: " + abbrev(body) + "\nbefore: " + seeds.get(seedPath)
              + "\nafter: " + after);
        }
      }
      seeds.put(seedPath, after);
    }
  }

  void check(long seed, int index, String method, String path, String ct, String accept, String body, Resp r) {
    requests++;
    byStatus.merge(r.status, 1, Integer::sum);
    String where = "(replay: -Dfuzz.seed=" + seed + ", request " + index + ") " + method + " " + abbrev(path)
        + " Content-Type=" + ct + " Accept=" + accept + "\nbody: " + abbrev(body) + "\n-> " + r.status + " "
        + abbrev(r.body);
    if (r.status >= 500) {
      problem("5xx", r.body, where);
    }
    if (body != null) {
      // Marker-like text this run sent (a "!!java.lang.Object" YAML tag inside a value, say) may be
      // stored and come back in any later answer: that is the caller's own data, not a leak.
      var sent = LEAK.matcher(body);
      while (sent.find()) {
        sentMarkers.add(sent.group());
      }
    }
    if (r.body != null) {
      var m = LEAK.matcher(r.body);
      while (m.find()) {
        // the request's own text echoed back in a message is not a leak, nor is earlier sent text
        if ((body == null || !body.contains(m.group())) && !path.contains(m.group())
            && !sentMarkers.contains(m.group())) {
          problem("Java internals leak in response", r.body, where);
          break;
        }
      }
    }
    if (r.status == 414 || r.status == 431) {
      // A request line or headers beyond the HTTP codec's limits: refused by Vert.x before any
      // route runs (kube-apiserver's Go server does the same, with a plain-text 431).
      return;
    }
    if (r.status >= 400) {
      JsonNode s;
      try {
        s = Json.MAPPER.readTree(r.body);
      } catch (Exception e) {
        problem("4xx body is not JSON", r.body, where);
        return;
      }
      if (s == null || !"Status".equals(s.path("kind").asText()) || s.path("code").asInt() != r.status
          || s.path("reason").asText("").isEmpty()) {
        problem("4xx body is not a Kubernetes Status", r.body, where);
      }
    }
  }

  // ------------------------------------------------------------ bodies

  String objectBody(Kind k, String name) throws Exception {
    ObjectNode obj = (ObjectNode) Json.MAPPER.readTree("{\"apiVersion\":\"servicecatalog.k8s.io/v1beta1\",\"kind\":\""
        + k.kind + "\",\"metadata\":{\"name\":" + Json.MAPPER.writeValueAsString(name) + "},\"spec\":" + k.spec + "}");
    return render(mutateObject(obj));
  }

  String putBody(Kind k, String name, String objectPath) throws Exception {
    JsonNode base = seeds.get(objectPath);
    ObjectNode obj = base != null && rnd.nextInt(4) > 0 ? (ObjectNode) base.deepCopy()
        : (ObjectNode) Json.MAPPER.readTree("{\"metadata\":{\"name\":" + Json.MAPPER.writeValueAsString(name)
            + ",\"resourceVersion\":\"1\"},\"spec\":" + k.spec + "}");
    return render(mutateObject(obj));
  }

  /** Usually one broken field in an otherwise valid object; sometimes many. */
  JsonNode mutateObject(ObjectNode obj) {
    int mutations = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(6) : (rnd.nextInt(6) == 0 ? 0 : 1);
    JsonNode root = obj;
    for (int m = 0; m < mutations; m++) {
      root = mutate(root);
    }
    return root;
  }

  JsonNode mutate(JsonNode root) {
    if (rnd.nextInt(25) == 0) {
      return randomValue(3);
    }
    List<String> paths = new ArrayList<>();
    collectPaths(root, "", paths);
    // interesting places that may be absent
    paths.addAll(List.of("/metadata/namespace", "/metadata/labels", "/metadata/finalizers",
        "/metadata/resourceVersion", "/metadata/uid", "/metadata/generateName", "/metadata/annotations",
        "/metadata/deletionTimestamp", "/metadata/ownerReferences", "/spec/parameters", "/spec/externalID",
        "/status", "/status/conditions", "/spec/relistDuration", "/spec/relistBehavior", "/spec/authInfo",
        "/spec/catalogRestrictions", "/spec/updateRequests", "/spec/rotationRequests", "/spec/secretTransforms",
        "/spec/parametersFrom", "/spec/instanceCreateParameterSchema", "/kind", "/apiVersion", "/metadata/name",
        "/spec/userInfo", "/spec/clusterServiceClassRef"));
    String p = pick(paths);
    int cut = p.lastIndexOf('/');
    if (cut <= 0 && p.length() <= 1) {
      return randomValue(2);
    }
    String parentPath = p.substring(0, cut);
    String field = p.substring(cut + 1);
    JsonNode parent = parentPath.isEmpty() ? root : root.at(parentPath);
    if (parent.isMissingNode() || parent.isNull()) {
      // create the parent
      if (root.isObject() && !parentPath.isEmpty() && parentPath.indexOf('/', 1) < 0) {
        parent = ((ObjectNode) root).putObject(parentPath.substring(1));
      } else {
        return root;
      }
    }
    JsonNode value = switch (rnd.nextInt(4)) {
      case 0 -> null;
      default -> interesting(field);
    };
    if (parent.isObject()) {
      if (value == null) {
        ((ObjectNode) parent).remove(field);
      } else {
        ((ObjectNode) parent).set(field, value);
      }
    } else if (parent.isArray()) {
      ArrayNode a = (ArrayNode) parent;
      try {
        int i = Integer.parseInt(field);
        if (value == null) {
          a.remove(i);
        } else {
          a.set(i, value);
        }
      } catch (RuntimeException e) {
        a.add(value == null ? F.nullNode() : value);
      }
    }
    return root;
  }

  static void collectPaths(JsonNode n, String at, List<String> out) {
    if (n.isObject()) {
      n.fieldNames().forEachRemaining(f -> {
        String p = at + "/" + f.replace("~", "~0").replace("/", "~1");
        out.add(p);
        if (out.size() < 500) {
          collectPaths(n.get(f), p, out);
        }
      });
    } else if (n.isArray()) {
      for (int i = 0; i < n.size() && out.size() < 500; i++) {
        out.add(at + "/" + i);
        collectPaths(n.get(i), at + "/" + i, out);
      }
    }
  }

  JsonNode interesting(String field) {
    return switch (rnd.nextInt(12)) {
      case 0 -> F.textNode(randomName());
      case 1 -> F.textNode(weirdString());
      case 2 -> F.numberNode(pick(List.of(0L, -1L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53)));
      case 3 -> F.numberNode(pick(List.of(1.5, -0.0, 1e308, Double.MIN_VALUE)));
      case 4 -> F.booleanNode(rnd.nextBoolean());
      case 5 -> F.nullNode();
      case 6 -> F.arrayNode().add(randomValue(1)).add(F.nullNode());
      case 7 -> deep(rnd.nextInt(3) == 0 ? 600 : 50, rnd.nextBoolean());
      case 8 -> F.textNode("x".repeat(rnd.nextInt(3) == 0 ? 70_000 : 300));
      case 9 -> field.equals("labels") || field.equals("annotations") ? randomLabels()
          : field.equals("finalizers") ? randomFinalizers() : randomValue(2);
      case 10 -> bigObject();
      default -> randomValue(2);
    };
  }

  ObjectNode randomLabels() {
    ObjectNode o = F.objectNode();
    for (int i = rnd.nextInt(4); i >= 0; i--) {
      o.set(rnd.nextBoolean() ? randomName() : weirdString(), rnd.nextInt(4) == 0 ? randomValue(1) : F.textNode(randomName()));
    }
    return o;
  }

  ArrayNode randomFinalizers() {
    ArrayNode a = F.arrayNode();
    for (int i = rnd.nextInt(4); i >= 0; i--) {
      a.add(rnd.nextInt(5) == 0 ? randomValue(1) : F.textNode(pick(List.of(
          "kubernetes-incubator/service-catalog", randomName(), weirdString(), ""))));
    }
    return a;
  }

  JsonNode bigObject() {
    ObjectNode o = F.objectNode();
    int n = rnd.nextInt(3) == 0 ? 2000 : 20;
    for (int i = 0; i < n; i++) {
      o.put("k" + i, "v".repeat(40));
    }
    return o;
  }

  JsonNode deep(int depth, boolean arrays) {
    JsonNode n = F.textNode("bottom");
    for (int i = 0; i < depth; i++) {
      n = arrays ? F.arrayNode().add(n) : F.objectNode().set("d", n);
    }
    return n;
  }

  JsonNode randomValue(int depth) {
    int c = rnd.nextInt(depth <= 0 ? 5 : 7);
    return switch (c) {
      case 0 -> F.nullNode();
      case 1 -> F.booleanNode(rnd.nextBoolean());
      case 2 -> F.numberNode(rnd.nextLong());
      case 3 -> F.textNode(weirdString());
      case 4 -> F.numberNode(rnd.nextDouble() * 1e10);
      case 5 -> {
        ArrayNode a = F.arrayNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          a.add(randomValue(depth - 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = F.objectNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          o.set(pick(List.of("name", "spec", "metadata", "url", "parameters", weirdString(), "kind", "")),
              randomValue(depth - 1));
        }
        yield o;
      }
    };
  }

  /** JSON, YAML, or bytes that are neither. */
  String render(JsonNode node) throws Exception {
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException tooDeep) {
      return "{\"spec\":" + "[".repeat(1200) + "]".repeat(1200) + "}";
    }
    return switch (rnd.nextInt(14)) {
      case 0 -> YAML.writeValueAsString(node);
      case 1 -> corrupt(json);
      case 2 -> json.substring(0, rnd.nextInt(json.length() + 1));
      case 3 -> garbage();
      default -> json;
    };
  }

  String corrupt(String s) {
    StringBuilder sb = new StringBuilder(s);
    for (int i = 1 + rnd.nextInt(4); i > 0 && sb.length() > 0; i--) {
      int at = rnd.nextInt(sb.length());
      switch (rnd.nextInt(3)) {
        case 0 -> sb.deleteCharAt(at);
        case 1 -> sb.insert(at, pick(List.of("{", "}", "[", "]", ",", ":", "\"", "\\", "\u0000", "\uD800", "'", "\n", "#",
            "&a", "*a", "!!java.lang.Object", "---\n", ": -", "1e999999")));
        default -> sb.setCharAt(at, (char) rnd.nextInt(0x3000));
      }
    }
    return sb.toString();
  }

  String garbage() {
    return switch (rnd.nextInt(16)) {
      case 0 -> "";
      case 1 -> "null";
      case 2 -> "[]";
      case 3 -> "42";
      case 4 -> "\"string\"";
      case 5 -> "[".repeat(5000);
      case 6 -> "{\"a\":".repeat(3000);
      case 7 -> "a: &a [*a, *a]\nb: *a\n";
      case 8 -> "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]";
      case 9 -> "---\na: 1\n---\nb: 2\n";
      case 10 -> "{\"metadata\":{\"name\":\"dup\"},\"metadata\":{\"name\":\"dup2\"}}";
      case 11 -> "\uFEFF{\"metadata\":{\"name\":\"bom\"}}";
      case 12 -> rnd.nextBoolean() ? "{\"spec\":" + "1".repeat(400) + "}"
          : "{\"metadata\":{\"name\":\"deep\"},\"spec\":{\"parameters\":" + "[".repeat(1500) + "]".repeat(1500) + "}}";
      case 13 -> "x: " + "y".repeat(100) + "\n  - bad: [\n";
      case 14 -> new String(randomBytes(), StandardCharsets.ISO_8859_1);
      default -> weirdString();
    };
  }

  byte[] randomBytes() {
    byte[] b = new byte[rnd.nextInt(200)];
    rnd.nextBytes(b);
    return b;
  }

  String patchBody(String type) throws Exception {
    if (rnd.nextInt(8) == 0) {
      return garbage();
    }
    if (type.contains("json-patch")) {
      ArrayNode ops = F.arrayNode();
      for (int i = rnd.nextInt(4); i >= 0; i--) {
        ObjectNode op = ops.addObject();
        op.put("op", pick(List.of("add", "remove", "replace", "move", "copy", "test", "bogus", "")));
        op.put("path", pick(List.of("/spec/url", "/metadata/labels/a", "/metadata/finalizers/0",
            "/metadata/finalizers/-", "/metadata/resourceVersion", "/spec", "/status", "", "/", "spec", "~", "/~2",
            "/metadata/labels/a~1b", "/spec/parameters/x/y/z", "/metadata/name", "/kind", "/spec/999999999999",
            "/metadata/finalizers/99", "/spec/parametersFrom/0/secretKeyRef", "/metadata/uid", "/apiVersion")));
        if (rnd.nextInt(5) > 0) {
          op.set("value", rnd.nextBoolean() ? interesting("value") : randomValue(2));
        }
        if (rnd.nextInt(3) == 0) {
          op.put("from", pick(List.of("/spec", "/metadata", "/nope", "", "/metadata/name")));
        }
        if (rnd.nextInt(15) == 0) {
          op.remove("op");
        }
      }
      JsonNode root = rnd.nextInt(12) == 0 ? randomValue(2) : ops;
      return rnd.nextInt(12) == 0 ? corrupt(root.toString()) : root.toString();
    }
    ObjectNode patch = F.objectNode();
    JsonNode m = mutate(patch);
    if (rnd.nextBoolean()) {
      ObjectNode meta = F.objectNode();
      meta.set(pick(List.of("labels", "annotations", "finalizers", "resourceVersion", "name", "namespace",
          "uid", "deletionTimestamp", "generation", "creationTimestamp")), interesting("labels"));
      if (m.isObject()) {
        ((ObjectNode) m).set("metadata", meta);
      }
    }
    String s = m.toString();
    return rnd.nextInt(10) == 0 ? corrupt(s) : s;
  }

  // ------------------------------------------------------------ query strings, names, headers

  String query() {
    List<String> parts = new ArrayList<>();
    if (rnd.nextBoolean()) {
      parts.add("labelSelector=" + enc(pick(List.of("fuzz=seed", "fuzz in (seed,x)", "a notin (b)", "!a", "a!=b",
          "a==b,c", "a in b", "in (x)", "=", "==", "!=", "!", "(", ")", ",,,", "a in (", "a=b=c", weirdString(),
          "x".repeat(5000), "a in ((b))", "a in ()", " notin ", "!!a", "a notin", "/a", "a/", "-a"))));
    }
    if (rnd.nextBoolean()) {
      parts.add("fieldSelector=" + enc(pick(List.of("metadata.name=seed-0", "metadata.namespace!=x", "spec.x=y",
          "metadata.name", "=", "==", "!=", "metadata.name==", "=seed", weirdString(), "metadata.name=a,=b",
          "spec.externalName=" + "z".repeat(3000), ",", "metadata.name in (a)"))));
    }
    if (rnd.nextBoolean()) {
      parts.add("limit=" + enc(pick(List.of("0", "-1", "1", "2", "abc", "", "99999999999999999999",
          "2147483647", "-2147483648", "1.5", "1e3", " 1", weirdString()))));
    }
    if (rnd.nextBoolean()) {
      parts.add("continue=" + enc(pick(List.of("", "abc", "%%%", "eyJucyI6MX0", "eyJ9", "e30",
          java.util.Base64.getUrlEncoder().encodeToString("{\"ns\":null,\"name\":[1]}".getBytes(StandardCharsets.UTF_8)),
          java.util.Base64.getUrlEncoder().encodeToString("[]".getBytes(StandardCharsets.UTF_8)),
          java.util.Base64.getUrlEncoder().encodeToString("null".getBytes(StandardCharsets.UTF_8)),
          java.util.Base64.getUrlEncoder().encodeToString(randomBytes()),
          weirdString(), "=".repeat(100)))));
    }
    if (rnd.nextInt(12) == 0) {
      // a watch is a stream: keep it short, and it ends by itself
      parts.add("watch=" + pick(List.of("true", "1", "false", "yes")));
      parts.add("timeoutSeconds=" + pick(List.of("1", "0", "-5", "abc", "", "99999999999999999999", "1")));
      parts.add("resourceVersion=" + enc(pick(List.of("0", "1", "-1", "abc", "", "99999999999999999999"))));
      if (rnd.nextBoolean()) {
        parts.add("allowWatchBookmarks=" + pick(List.of("true", "x")));
      }
    }
    if (rnd.nextInt(6) == 0) {
      parts.add(enc(weirdString()) + "=" + enc(weirdString()));
    }
    if (rnd.nextInt(10) == 0) {
      parts.add(pick(List.of("%", "%zz", "&&&", "=", "limit", "limit=1&limit=2", "labelSelector=%ZZ")));
    }
    return String.join("&", parts);
  }

  String pickContentType() {
    return rnd.nextInt(3) > 0 ? "application/json" : pick(List.of("application/yaml", "application/x-yaml",
        "text/plain", "application/xml", "", "garbage", ";;;", "application/json; charset=ebcdic",
        "application/json; charset=utf-16", "multipart/form-data", "application/x-www-form-urlencoded",
        "application/octet-stream", "application/json;", "*/*", "application/*", "a/b/c",
        "application/vnd.kubernetes.protobuf", "text/yaml; charset=utf-8"));
  }

  String randomName() {
    return switch (rnd.nextInt(8)) {
      case 0 -> weirdString();
      case 1 -> "a".repeat(254);
      case 2 -> "UPPER";
      case 3 -> "-bad-";
      case 4 -> "a.b.c";
      case 5 -> "x".repeat(64);
      default -> "f-" + Integer.toHexString(rnd.nextInt());
    };
  }

  String weirdString() {
    return pick(List.of("", " ", "ünïcödé", "😀", "\u0000", "\uFFFF", "a\nb", "../../etc/passwd", "%00", "%2F",
        "'; DROP TABLE resources; --", "${jndi:ldap://x}", "<script>", "\\", "\"", "a b", "null", "true", "0",
        "-1", "\u202Eabc", "a/b", "#", "?x=y", "~1", "\t", "\r\n", "x".repeat(rnd.nextInt(400)),
        "\uD83D", "Ω".repeat(100)));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  <T> T pick(List<T> list) {
    return list.get(rnd.nextInt(list.size()));
  }

  static String abbrev(String s) {
    if (s == null) {
      return "<none>";
    }
    return s.length() > 600 ? s.substring(0, 600) + "…(" + s.length() + " chars)" : s;
  }

  // ------------------------------------------------------------ HTTP

  record Resp(int status, String body) {}

  Resp send(String method, String path, String contentType, String accept, String body) throws Exception {
    URI uri;
    try {
      uri = URI.create("http://localhost:" + RestAssured.port + path);
    } catch (IllegalArgumentException e) {
      uri = URI.create("http://localhost:" + RestAssured.port + API + "/x");
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(path.contains("watch=") ? 4 : 20))
        .header("Authorization", TestCredentials.AUTHORIZATION);
    if (contentType != null && !contentType.isEmpty()) {
      b.header("Content-Type", contentType);
    }
    if (accept != null) {
      b.header("Accept", accept);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    boolean watch = path.contains("watch=");
    var future = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    try {
      HttpResponse<String> r = future.get(watch ? 4 : 30, java.util.concurrent.TimeUnit.SECONDS);
      return new Resp(r.statusCode(), r.body());
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException && !path.equals(API + "/x")) {
        // The JDK client itself cannot put this target on the wire (it throws while encoding it,
        // e.g. a query starting with "?"): the server never saw it. Like a URI that does not
        // parse (above), it goes out as a plain request instead.
        return send(method, API + "/x", contentType, accept, body);
      }
      return unanswered(watch, path, method, e);
    } catch (java.util.concurrent.TimeoutException e) {
      future.cancel(true);
      return unanswered(watch, path, method, e);
    }
  }

  private Resp unanswered(boolean watch, String path, String method, Exception e) {
    if (watch) {
      return new Resp(200, ""); // a watch that streams until its timeout
    }
    throw new AssertionError("(replay: -Dfuzz.seed=" + runSeed + ") no complete answer in 30 s: " + method + " " + enc(abbrev(path)) + ": " + e, e);
  }
}
