package io.servicecatalog.api.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.servicecatalog.api.rest.ApiException;
import io.servicecatalog.model.Json;

/** Request bodies as kubectl sends them: JSON, or the same object as YAML. */
public final class Bodies {
  private Bodies() {}

  private static final ObjectMapper YAML = Json.configure(new ObjectMapper(new YAMLFactory()));

  /** A patch body: JSON of any shape (an object for merge patch, an array for JSON patch). */
  public static JsonNode parseAny(String body) {
    if (body == null || body.isBlank()) {
      throw ApiException.badRequest("the request body is empty; send a patch");
    }
    try {
      return Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the patch is not valid JSON: " + reason(e));
    }
  }

  public static JsonNode parse(String body, String contentType) {
    if (body == null || body.isBlank()) {
      throw ApiException.badRequest("the request body is empty; send the object as JSON or YAML");
    }
    boolean yaml = contentType != null && contentType.toLowerCase().contains("yaml");
    try {
      JsonNode node = (yaml ? YAML : Json.MAPPER).readTree(body);
      if (node == null || !node.isObject()) {
        throw ApiException.badRequest("the request body must be a single object, not "
            + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
      }
      return node;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw ApiException.badRequest("the request body is not valid " + (yaml ? "YAML" : "JSON")
          + where + ": " + reason(e));
    }
  }

  /** Jackson's words, except where they name its Java internals (the nesting and size limits). */
  static String reason(JsonProcessingException e) {
    if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
      return "the document is nested too deeply or a value is too large";
    }
    String m = e.getOriginalMessage();
    return m == null ? "unreadable" : m.replaceAll("`?[A-Za-z]+\\.get[A-Za-z]+\\(\\)`?", "a limit");
  }
}
