package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A request for credentials to an instance in the same namespace; immutable once created. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("The instance to bind to, and where and how to write the credentials.")
public class ServiceBindingSpec {
  @JsonPropertyDescription("The ServiceInstance (same namespace) to bind to.")
  public LocalObjectReference instanceRef;
  @JsonPropertyDescription("Parameters sent to the broker on bind; any JSON object.")
  public JsonNode parameters;
  @JsonPropertyDescription(
      "Parameters read from Secret keys holding JSON objects, merged with parameters; a key may "
      + "come from one source only.")
  public List<ParametersFromSource> parametersFrom;
  /** Target Secret in the binding's namespace; defaults to the binding's name. */
  @JsonPropertyDescription(
      "The Secret (same namespace) the credentials are written to; defaults to the binding's name.")
  public String secretName;
  @JsonPropertyDescription(
      "Steps applied in order to the credentials before they are written to the Secret.")
  public List<SecretTransform> secretTransforms;
  /** The OSB binding_id; a UUID is generated when empty. */
  @JsonPropertyDescription("The OSB binding_id; a UUID is generated when empty; immutable.")
  public String externalID;
  @JsonPropertyDescription(
      "Who created the binding, sent to the broker as the originating identity; set by the "
      + "platform.")
  public UserInfo userInfo;
  /** Bumping this counter asks for new credentials (binding rotation); it must not decrease. */
  @JsonPropertyDescription(
      "Counter; increasing it asks the broker for new credentials (binding rotation). Must not "
      + "decrease.")
  public Long rotationRequests;
}
