package io.servicecatalog.injector.catalogapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Asks catalog-api, the only writer of binding state, whether a binding still wants its Secret.
 * Anything short of a clear answer is "unavailable", so the caller retries instead of writing
 * credentials for a binding that may be gone or deleting a Secret on a misrouted 404.
 */
@ApplicationScoped
public class BindingLookup {

  private final CatalogApiClient client;

  @Inject
  public BindingLookup(@RestClient CatalogApiClient client) {
    this.client = client;
  }

  public BindingCheck check(String namespace, String name, String expectedUid)
      throws CatalogApiUnavailableException {
    int status;
    String text;
    try (Response response = client.getServiceBinding(namespace, name)) {
      status = response.getStatus();
      text = response.hasEntity() ? response.readEntity(String.class) : null;
    } catch (RuntimeException e) {
      throw new CatalogApiUnavailableException(
          "catalog-api could not be reached (" + e.getClass().getSimpleName() + ")");
    }
    JsonNode body = parse(text);
    if (status == 404) {
      if (body != null
          && "Status".equals(body.path("kind").asText())
          && ("NotFound".equals(body.path("reason").asText()) || body.path("code").asInt() == 404)) {
        return new BindingCheck(BindingCheck.State.GONE, null);
      }
      throw new CatalogApiUnavailableException(
          "catalog-api answered 404 without a Kubernetes NotFound Status (wrong URL?)");
    }
    if (status != 200) {
      throw new CatalogApiUnavailableException("catalog-api answered HTTP " + status);
    }
    if (body == null || !body.path("metadata").isObject()) {
      throw new CatalogApiUnavailableException("catalog-api answered 200 without a ServiceBinding");
    }
    JsonNode metadata = body.path("metadata");
    String secretName = textOrNull(body.path("spec").path("secretName"));
    if (!expectedUid.equals(metadata.path("uid").asText())) {
      return new BindingCheck(BindingCheck.State.REPLACED, secretName);
    }
    Map<String, String> annotations = annotations(metadata.path("annotations"));
    boolean injected = textOrNull(body.path("status").path("binding").path("name")) != null;
    if (textOrNull(metadata.path("deletionTimestamp")) != null) {
      return new BindingCheck(BindingCheck.State.DELETING, secretName, annotations, injected);
    }
    return new BindingCheck(BindingCheck.State.CURRENT, secretName, annotations, injected);
  }

  /** String-valued members of {@code metadata.annotations}. */
  static Map<String, String> annotations(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      node.fields().forEachRemaining(e -> {
        if (e.getValue().isTextual()) {
          out.put(e.getKey(), e.getValue().textValue());
        }
      });
    }
    return out;
  }

  private static JsonNode parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  static String textOrNull(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() || node.asText().isEmpty()
        ? null
        : node.asText();
  }
}
