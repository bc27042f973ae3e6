package io.servicecatalog.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The patch types kube-apiserver accepts for custom resources. */
public final class Patches {
  private Patches() {}

  public static final String MERGE = "application/merge-patch+json";
  public static final String JSON = "application/json-patch+json";
  public static final String STRATEGIC = "application/strategic-merge-patch+json";
  public static final String APPLY = "application/apply-patch+yaml";

  /** Applies {@code patch} to a copy of {@code current}. */
  public static JsonNode apply(String contentType, JsonNode current, JsonNode patch) {
    String type = contentType == null ? "" : contentType.toLowerCase().split(";")[0].trim();
    switch (type) {
      case MERGE:
        return mergePatch(current.deepCopy(), patch);
      case JSON:
        if (!patch.isArray()) {
          throw ApiException.badRequest("a JSON patch is an array of operations");
        }
        try {
          return JsonPatch.apply(patch, current);
        } catch (JsonPatchException | IllegalArgumentException e) {
          throw ApiException.of(422, "Invalid", "the JSON patch could not be applied: " + e.getMessage(),
              null, null, List.of());
        } catch (IndexOutOfBoundsException e) {
          // zjsonpatch parses an array index such as /spec/x/99999999999 into a negative int
          throw ApiException.of(422, "Invalid", "the JSON patch could not be applied: an array index in"
              + " a path is out of range", null, null, List.of());
        }
      case STRATEGIC:
        throw ApiException.unsupportedMediaType(
            "strategic merge patch is not supported for custom resources; use " + MERGE + " or " + JSON);
      default:
        throw ApiException.unsupportedMediaType("unsupported patch type \"" + contentType
            + "\"; use " + MERGE + " or " + JSON);
    }
  }

  /** RFC 7386: objects merge recursively, null removes, anything else replaces. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : ((ObjectNode) patch).objectNode();
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = patch.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    for (String name : names) {
      JsonNode value = patch.get(name);
      if (value.isNull()) {
        result.remove(name);
      } else {
        result.set(name, mergePatch(result.get(name), value));
      }
    }
    return result;
  }
}
