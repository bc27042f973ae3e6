package io.servicecatalog.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.v1beta1.SecretTransform;
import java.util.List;
import java.util.Map;

/** The sealed content of a {@link CredentialsEnvelope}: never logged, never stored in clear. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BindingCredentials(
    Map<String, JsonNode> credentials,
    List<SecretTransform> secretTransforms,
    String brokerName,
    String serviceClassExternalName) {

  @Override
  public String toString() {
    return "BindingCredentials[keys=" + (credentials == null ? 0 : credentials.size()) + "]";
  }
}
