package io.servicecatalog.api.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.api.rest.ApiException;
import io.servicecatalog.model.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Kubernetes label and field selectors over stored objects. Labels support =, ==, !=, in,
 * notin, exists and !exists; fields support =, == and != on the fields the catalog indexes.
 */
public final class Selector implements Predicate<JsonNode> {

  /** Field selectors kube-apiserver would accept for these kinds (plus metadata.*). */
  public static final Set<String> FIELDS = Set.of(
      "metadata.name", "metadata.namespace", "spec.externalName", "spec.externalID",
      "spec.clusterServiceBrokerName", "spec.serviceBrokerName", "spec.instanceRef.name",
      "spec.clusterServiceClassRef.name", "spec.clusterServicePlanRef.name",
      "spec.serviceClassRef.name", "spec.servicePlanRef.name", "spec.secretName");

  private final List<Predicate<JsonNode>> requirements;
  /** Labels every match must carry with exactly these values (the = and single-value in terms). */
  private final Map<String, String> requiredLabels;

  private Selector(List<Predicate<JsonNode>> requirements, Map<String, String> requiredLabels) {
    this.requirements = requirements;
    this.requiredLabels = requiredLabels;
  }

  public static final Selector EVERYTHING = new Selector(List.of(), Map.of());

  public static Selector parse(String labelSelector, String fieldSelector) {
    List<Predicate<JsonNode>> reqs = new ArrayList<>();
    Map<String, String> required = new LinkedHashMap<>();
    for (String term : split(labelSelector)) {
      reqs.add(label(term));
      String[] kv = equality(term);
      if (kv != null) {
        required.putIfAbsent(kv[0], kv[1]);
      }
    }
    for (String term : split(fieldSelector)) {
      reqs.add(field(term));
    }
    return reqs.isEmpty() ? EVERYTHING : new Selector(reqs, Map.copyOf(required));
  }

  /**
   * The labels a match must have, as a JSON object for the database to narrow by
   * ({@code labels @> ...}), or null when no term requires a value. Only narrows: every row
   * returned is still tested against the whole selector.
   */
  public String labelContainment() {
    if (requiredLabels.isEmpty()) {
      return null;
    }
    ObjectNode o = Json.MAPPER.createObjectNode();
    requiredLabels.forEach(o::put);
    return o.toString();
  }

  /** {@code key=value}, {@code key==value} or {@code key in (value)} as [key, value]; else null. */
  private static String[] equality(String term) {
    String t = term.trim();
    if (setOp(t, " notin ") != null) {
      return null;
    }
    String[] in = setOp(t, " in ");
    if (in != null) {
      Set<String> values = values(in[1], term);
      return values.size() == 1 ? new String[] {in[0].trim(), values.iterator().next()} : null;
    }
    if (t.contains("!=") || !t.contains("=")) {
      return null;
    }
    String[] kv = t.contains("==") ? t.split("==", 2) : t.split("=", 2);
    return new String[] {kv[0].trim(), kv[1].trim()};
  }

  @Override
  public boolean test(JsonNode object) {
    for (Predicate<JsonNode> r : requirements) {
      if (!r.test(object)) {
        return false;
      }
    }
    return true;
  }

  public boolean matchesEverything() {
    return requirements.isEmpty();
  }

  private static Predicate<JsonNode> label(String term) {
    String t = term.trim();
    String[] notIn = setOp(t, " notin ");
    if (notIn != null) {
      String k = key(notIn[0], term);
      Set<String> values = values(notIn[1], term);
      return o -> {
        JsonNode v = labels(o).get(k);
        return v == null || !values.contains(v.asText());
      };
    }
    String[] in = setOp(t, " in ");
    if (in != null) {
      String k = key(in[0], term);
      Set<String> values = values(in[1], term);
      return o -> {
        JsonNode v = labels(o).get(k);
        return v != null && values.contains(v.asText());
      };
    }
    if (t.contains("!=")) {
      String[] kv = t.split("!=", 2);
      String k = key(kv[0], term);
      String value = kv[1].trim();
      return o -> {
        JsonNode v = labels(o).get(k);
        return v == null || !v.asText().equals(value);
      };
    }
    if (t.contains("=")) {
      String[] kv = t.contains("==") ? t.split("==", 2) : t.split("=", 2);
      String k = key(kv[0], term);
      String value = kv[1].trim();
      return o -> {
        JsonNode v = labels(o).get(k);
        return v != null && v.asText().equals(value);
      };
    }
    if (t.startsWith("!")) {
      String k = key(t.substring(1), term);
      return o -> !labels(o).has(k);
    }
    String k = key(t, term);
    return o -> labels(o).has(k);
  }

  private static Predicate<JsonNode> field(String term) {
    String t = term.trim();
    boolean negate = t.contains("!=");
    String[] kv = negate ? t.split("!=", 2) : t.contains("==") ? t.split("==", 2) : t.split("=", 2);
    if (kv.length != 2) {
      throw ApiException.badRequest("invalid field selector \"" + term + "\": expected field=value");
    }
    String f = kv[0].trim();
    if (!FIELDS.contains(f)) {
      throw ApiException.badRequest("field label not supported: " + f + " (supported: "
          + FIELDS.stream().sorted().collect(Collectors.joining(", ")) + ")");
    }
    String pointer = "/" + f.replace('.', '/');
    String value = kv[1].trim();
    return o -> {
      JsonNode v = o.at(pointer);
      String actual = v.isMissingNode() || v.isNull() ? "" : v.asText();
      return negate != actual.equals(value);
    };
  }

  private static JsonNode labels(JsonNode o) {
    JsonNode l = o.at("/metadata/labels");
    return l.isObject() ? l : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static String[] setOp(String t, String op) {
    int i = t.indexOf(op);
    if (i <= 0) {
      return null;
    }
    return new String[] {t.substring(0, i).trim(), t.substring(i + op.length()).trim()};
  }

  private static Set<String> values(String set, String term) {
    if (!set.startsWith("(") || !set.endsWith(")")) {
      throw ApiException.badRequest("invalid label selector \"" + term + "\": a set is written as (a,b)");
    }
    return Arrays.stream(set.substring(1, set.length() - 1).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }

  private static String key(String k, String term) {
    String key = k.trim();
    if (!key.matches("([a-z0-9A-Z.-]+/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
      throw ApiException.badRequest("invalid label selector \"" + term + "\": \"" + key + "\" is not a valid label key");
    }
    return key;
  }

  /** Splits on commas outside parentheses. */
  private static List<String> split(String selector) {
    List<String> out = new ArrayList<>();
    if (selector == null || selector.isBlank()) {
      return out;
    }
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : selector.toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    out.removeIf(String::isBlank);
    return out;
  }
}
