package io.servicecatalog.gateway.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.Names;
import io.servicecatalog.model.v1beta1.CatalogRestrictions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code spec.catalogRestrictions} of a broker applied to its catalog before it is published:
 * predicates {@code <property><op><value>} with ops {@code ==}, {@code !=}, {@code in (a,b)},
 * {@code notin (a,b)}; all predicates of a list must hold (a list entry may itself hold several,
 * comma-separated). Class properties: {@code name} (the object name, from the OSB id), {@code
 * spec.externalName}, {@code spec.externalID}; plan properties: those plus {@code
 * spec.clusterServiceClass.name} / {@code spec.serviceClass.name} and {@code spec.free}. Classes
 * are filtered first, then the plans of the accepted classes; a class left without plans is
 * dropped. As in label selectors, {@code !=} and {@code notin} hold for a property that is absent.
 */
public final class CatalogFilter {
  private CatalogFilter() {}

  public static final Set<String> CLASS_PROPERTIES = Set.of("name", "spec.externalName", "spec.externalID");
  public static final Set<String> PLAN_PROPERTIES = Set.of("name", "spec.externalName", "spec.externalID",
      "spec.clusterServiceClass.name", "spec.serviceClass.name", "spec.free");

  /** The catalog after the restrictions, with counts for the result message. */
  public record Filtered(JsonNode catalog, int classesBefore, int classesAfter, int plansBefore, int plansAfter) {
    public boolean changed() {
      return classesBefore != classesAfter || plansBefore != plansAfter;
    }
  }

  public static class InvalidRestrictionException extends RuntimeException {
    public InvalidRestrictionException(String message) {
      super(message);
    }
  }

  public enum Op { EQ, NEQ, IN, NOTIN }

  public record Requirement(String property, Op op, Set<String> values) {
    boolean matches(Map<String, String> props) {
      String v = props.get(property);
      return switch (op) {
        case EQ, IN -> v != null && values.contains(v);
        case NEQ, NOTIN -> v == null || !values.contains(v);
      };
    }
  }

  private static final Pattern SET_OP =
      Pattern.compile("^\\s*([A-Za-z0-9_.\\-/]+)\\s+(in|notin)\\s*\\(([^)]*)\\)\\s*$");
  private static final Pattern CMP_OP = Pattern.compile("^\\s*([A-Za-z0-9_.\\-/]+)\\s*(==|!=|=)\\s*(\\S*)\\s*$");

  /** Parses predicates, rejecting unknown properties; empty or null lists accept everything. */
  public static List<Requirement> parse(List<String> predicates, Set<String> allowed, String what) {
    List<Requirement> out = new ArrayList<>();
    if (predicates == null) {
      return out;
    }
    for (String p : predicates) {
      if (p == null || p.isBlank()) {
        continue;
      }
      for (String part : splitTopLevel(p)) {
        if (part.isBlank()) {
          continue;
        }
        Requirement r = parseOne(part);
        if (r == null) {
          throw new InvalidRestrictionException("invalid " + what + " restriction \"" + part.trim() + "\"");
        }
        if (!allowed.contains(r.property())) {
          throw new InvalidRestrictionException("unknown property \"" + r.property() + "\" in " + what
              + " restriction \"" + part.trim() + "\" (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
        }
        out.add(r);
      }
    }
    return out;
  }

  static Requirement parseOne(String s) {
    Matcher m = SET_OP.matcher(s);
    if (m.matches()) {
      Set<String> values = new LinkedHashSet<>();
      for (String v : m.group(3).split(",")) {
        if (!v.isBlank()) {
          values.add(v.trim());
        }
      }
      return new Requirement(m.group(1), m.group(2).equals("in") ? Op.IN : Op.NOTIN, values);
    }
    m = CMP_OP.matcher(s);
    if (m.matches()) {
      return new Requirement(m.group(1), m.group(2).equals("!=") ? Op.NEQ : Op.EQ, Set.of(m.group(3)));
    }
    return null;
  }

  /** Splits on commas outside parentheses. */
  static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    parts.add(cur.toString());
    return parts;
  }

  /**
   * Applies the restrictions to a catalog body ({@code {"services": [...]}}); {@code namespaced}
   * selects which class-reference property plans answer to.
   */
  public static Filtered apply(JsonNode catalog, CatalogRestrictions restrictions, boolean namespaced) {
    ArrayNode services = catalog.path("services").isArray() ? (ArrayNode) catalog.get("services") : Json.MAPPER.createArrayNode();
    int classesBefore = services.size();
    int plansBefore = 0;
    for (JsonNode svc : services) {
      plansBefore += svc.path("plans").size();
    }
    List<Requirement> classReq = parse(restrictions == null ? null : restrictions.serviceClass, CLASS_PROPERTIES, "serviceClass");
    List<Requirement> planReq = parse(restrictions == null ? null : restrictions.servicePlan, PLAN_PROPERTIES, "servicePlan");
    if (classReq.isEmpty() && planReq.isEmpty()) {
      return new Filtered(catalog, classesBefore, classesBefore, plansBefore, plansBefore);
    }
    ObjectNode out = catalog.deepCopy();
    ArrayNode kept = Json.MAPPER.createArrayNode();
    int plansAfter = 0;
    for (JsonNode svc : services) {
      if (!svc.isObject()) {
        continue; // not an offering (OsbOutcomes.catalog refuses such a catalog before it gets here)
      }
      Map<String, String> cp = classProperties(svc);
      if (!classReq.stream().allMatch(r -> r.matches(cp))) {
        continue;
      }
      ObjectNode copy = svc.deepCopy();
      ArrayNode plans = Json.MAPPER.createArrayNode();
      for (JsonNode plan : svc.path("plans")) {
        if (!plan.isObject()) {
          continue;
        }
        Map<String, String> pp = planProperties(plan, cp.get("name"), namespaced);
        if (planReq.stream().allMatch(r -> r.matches(pp))) {
          plans.add(plan);
        }
      }
      if (plans.isEmpty()) {
        continue;
      }
      copy.set("plans", plans);
      plansAfter += plans.size();
      kept.add(copy);
    }
    out.set("services", kept);
    return new Filtered(out, classesBefore, kept.size(), plansBefore, plansAfter);
  }

  static Map<String, String> classProperties(JsonNode svc) {
    Map<String, String> p = new HashMap<>();
    String id = text(svc, "id");
    if (id != null) {
      p.put("name", Names.escapedName(id));
      p.put("spec.externalID", id);
    }
    String name = text(svc, "name");
    if (name != null) {
      p.put("spec.externalName", name);
    }
    return p;
  }

  static Map<String, String> planProperties(JsonNode plan, String className, boolean namespaced) {
    Map<String, String> p = classProperties(plan);
    if (className != null) {
      p.put(namespaced ? "spec.serviceClass.name" : "spec.clusterServiceClass.name", className);
    }
    // OSB: free defaults to true.
    p.put("spec.free", plan.has("free") && plan.get("free").isBoolean() ? String.valueOf(plan.get("free").asBoolean()) : "true");
    return p;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
