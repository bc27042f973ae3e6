package io.servicecatalog.api.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.api.rest.ApiException;
import io.servicecatalog.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A list continue token: where the previous page ended (objects are listed by namespace, name). */
public record Cursor(String namespace, String name) {
  public static final Cursor START = new Cursor("", "");

  public String encode() {
    String json = Json.MAPPER.createObjectNode().put("ns", namespace).put("name", name).toString();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  public static Cursor decode(String token) {
    if (token == null || token.isBlank()) {
      return START;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token));
      return new Cursor(n.get("ns").asText(), n.get("name").asText());
    } catch (Exception e) {
      throw ApiException.badRequest("invalid continue token; start the list again without it");
    }
  }
}
