package io.servicecatalog.gateway.params;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Checks parameters against a plan's JSON schema ({@code schemas.*.parameters}) before any call
 * is made. Draft-04 is the default (the spec's minimum); 6, 7, 2019-09 and 2020-12 are taken from
 * {@code $schema}. A schema the spec forbids (an external {@code $ref}) or one that cannot be
 * read is not applied, with a warning: the broker validates anyway. Violation messages name the
 * parameter and the rule, never the value given.
 */
public final class SchemaValidator {
  private static final Logger LOG = Logger.getLogger(SchemaValidator.class);
  private static final int MAX_SCHEMA_BYTES = 64 * 1024;

  private SchemaValidator() {}

  /**
   * Throws a terminal {@link ParametersException} when {@code parameters} violate {@code schema}.
   * {@code what} names the schema in messages ("the plan's instance create schema").
   */
  public static void validate(JsonNode schema, JsonNode parameters, String what) {
    if (schema == null || schema.isNull() || !schema.isObject() || schema.isEmpty()) {
      return;
    }
    if (schema.toString().length() > MAX_SCHEMA_BYTES) {
      LOG.warnf("Not applying %s: larger than 64 kB", what);
      return;
    }
    if (hasExternalRef(schema)) {
      LOG.warnf("Not applying %s: it has an external $ref, which the OSB spec forbids", what);
      return;
    }
    Set<ValidationMessage> errors;
    try {
      SpecVersion.VersionFlag version =
          SpecVersionDetector.detectOptionalVersion(schema, false).orElse(SpecVersion.VersionFlag.V4);
      ObjectNode local = schema.deepCopy();
      local.remove("$schema"); // never let the validator go fetch a meta-schema
      local.remove("$id");
      local.remove("id");
      JsonSchema compiled = JsonSchemaFactory.getInstance(version).getSchema(local);
      errors = compiled.validate(parameters == null ? Json.MAPPER.createObjectNode() : parameters);
    } catch (RuntimeException e) {
      LOG.warnf("Not applying %s: it cannot be used (%s)", what, e.getClass().getSimpleName());
      return;
    }
    if (errors.isEmpty()) {
      return;
    }
    Set<String> lines = new TreeSet<>();
    for (ValidationMessage m : errors) {
      lines.add(describe(m));
    }
    List<String> list = new ArrayList<>(lines);
    String text = list.size() <= 5 ? String.join("; ", list) : String.join("; ", list.subList(0, 5)) + "; and " + (list.size() - 5) + " more";
    throw new ParametersException(Reasons.ERROR_INVALID_PARAMETERS,
        "The parameters violate " + what + ": " + text + "; no request was sent to the broker", true);
  }

  static String describe(ValidationMessage m) {
    String location = m.getInstanceLocation() == null ? "$" : m.getInstanceLocation().toString();
    String path = location.startsWith("$.") ? location.substring(2) : location.equals("$") ? "" : location;
    String type = m.getType() == null ? "" : m.getType();
    if ("required".equals(type) && m.getProperty() != null) {
      return "parameter \"" + join(path, m.getProperty()) + "\" is required";
    }
    if ("additionalProperties".equals(type) && m.getProperty() != null) {
      return "parameter \"" + join(path, m.getProperty()) + "\" is not allowed";
    }
    String text = m.getMessage() == null ? type : m.getMessage();
    if (text.startsWith(location + ": ")) {
      text = text.substring(location.length() + 2);
    }
    JsonNode given = m.getInstanceNode();
    if (given != null && given.isValueNode()) {
      String v = given.asText();
      if (!v.isEmpty() && v.length() > 1) {
        text = text.replace(v, "<value>");
      }
    }
    return (path.isEmpty() ? "the parameters" : "parameter \"" + path + "\"") + ": " + text;
  }

  private static String join(String path, String property) {
    return path.isEmpty() ? property : path + "." + property;
  }

  static boolean hasExternalRef(JsonNode node) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if ("$ref".equals(e.getKey()) && e.getValue().isTextual() && !e.getValue().asText().startsWith("#")) {
          return true;
        }
        if (hasExternalRef(e.getValue())) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode x : node) {
        if (hasExternalRef(x)) {
          return true;
        }
      }
    }
    return false;
  }
}
