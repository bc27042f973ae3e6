package io.servicecatalog.api.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.v1beta1.ResourceKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The meta.k8s.io/v1 Table rendering kubectl asks for ({@code Accept: ...;as=Table}), with the
 * printer columns the original's CRDs declared: what {@code kubectl get} prints.
 */
public final class Tables {
  private Tables() {}

  record Column(String name, String pointer, String description) {}

  static List<Column> columns(ResourceKind kind) {
    return switch (kind) {
      case CLUSTER_SERVICE_BROKER, SERVICE_BROKER -> List.of(
          new Column("URL", "/spec/url", "The broker's base URL"),
          new Column("Status", "/status/lastConditionState", "Ready, Failed or the reason it is not ready"));
      case CLUSTER_SERVICE_CLASS -> List.of(
          new Column("External-Name", "/spec/externalName", "The offering's name at the broker"),
          new Column("Broker", "/spec/clusterServiceBrokerName", "The broker offering it"));
      case SERVICE_CLASS -> List.of(
          new Column("External-Name", "/spec/externalName", "The offering's name at the broker"),
          new Column("Broker", "/spec/serviceBrokerName", "The broker offering it"));
      case CLUSTER_SERVICE_PLAN -> List.of(
          new Column("External-Name", "/spec/externalName", "The plan's name at the broker"),
          new Column("Broker", "/spec/clusterServiceBrokerName", "The broker offering it"),
          new Column("Class", "/spec/clusterServiceClassRef/name", "The class it belongs to"));
      case SERVICE_PLAN -> List.of(
          new Column("External-Name", "/spec/externalName", "The plan's name at the broker"),
          new Column("Broker", "/spec/serviceBrokerName", "The broker offering it"),
          new Column("Class", "/spec/serviceClassRef/name", "The class it belongs to"));
      case SERVICE_INSTANCE -> List.of(
          new Column("Class", "/status/userSpecifiedClassName", "The class the user asked for"),
          new Column("Plan", "/status/userSpecifiedPlanName", "The plan the user asked for"),
          new Column("Status", "/status/lastConditionState", "Ready, Failed or the reason it is not ready"));
      case SERVICE_BINDING -> List.of(
          new Column("Service-Instance", "/spec/instanceRef/name", "The instance bound"),
          new Column("Secret-Name", "/spec/secretName", "The Secret holding the credentials"),
          new Column("Status", "/status/lastConditionState", "Ready, Failed or the reason it is not ready"));
    };
  }

  public static boolean wanted(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  public static ObjectNode table(ResourceKind kind, List<JsonNode> objects, String resourceVersion,
      String continueToken) {
    ObjectNode t = Json.MAPPER.createObjectNode();
    t.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = t.putObject("metadata");
    if (resourceVersion != null) {
      meta.put("resourceVersion", resourceVersion);
    }
    if (continueToken != null) {
      meta.put("continue", continueToken);
    }
    ArrayNode defs = t.putArray("columnDefinitions");
    defs.addObject().put("name", "Name").put("type", "string").put("format", "name")
        .put("description", "Name must be unique within a namespace").put("priority", 0);
    List<Column> cols = columns(kind);
    cols.forEach(c -> defs.addObject().put("name", c.name()).put("type", "string").put("format", "")
        .put("description", c.description()).put("priority", 0));
    defs.addObject().put("name", "Age").put("type", "string").put("format", "")
        .put("description", "Time since the object was created").put("priority", 0);
    t.set("rows", rows(kind, objects, Instant.now()));
    return t;
  }

  /** One row per object: its name, the kind's printer columns, its age, and its metadata. */
  static ArrayNode rows(ResourceKind kind, List<JsonNode> objects, Instant now) {
    List<Column> cols = columns(kind);
    ArrayNode rows = Json.MAPPER.createArrayNode();
    for (JsonNode o : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(o.at("/metadata/name").asText());
      cols.forEach(c -> {
        JsonNode v = o.at(c.pointer());
        cells.add(v.isMissingNode() || v.isNull() ? "" : v.asText());
      });
      cells.add(age(o.at("/metadata/creationTimestamp").asText(null), now));
      ObjectNode partial = row.putObject("object");
      partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
      partial.set("metadata", o.get("metadata"));
    }
    return rows;
  }

  /** Ages as kubectl prints them: 45s, 12m, 5h, 3d. */
  static String age(String created, Instant now) {
    if (created == null) {
      return "<unknown>";
    }
    try {
      Duration d = Duration.between(Instant.parse(created), now);
      long s = Math.max(0, d.getSeconds());
      if (s < 120) {
        return s + "s";
      }
      if (s < 3 * 3600) {
        return (s / 60) + "m";
      }
      if (s < 48 * 3600) {
        return (s / 3600) + "h";
      }
      return (s / 86400) + "d";
    } catch (Exception e) {
      return "<unknown>";
    }
  }
}
