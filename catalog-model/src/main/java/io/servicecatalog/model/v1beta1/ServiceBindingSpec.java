package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A request for credentials to an instance in the same namespace; immutable once created. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceBindingSpec {
  public LocalObjectReference instanceRef;
  public JsonNode parameters;
  public List<ParametersFromSource> parametersFrom;
  /** Target Secret in the binding's namespace; defaults to the binding's name. */
  public String secretName;
  public List<SecretTransform> secretTransforms;
  /** The OSB binding_id; a UUID is generated when empty. */
  public String externalID;
  public UserInfo userInfo;
  /** Bumping this counter asks for new credentials (binding rotation); it must not decrease. */
  public Long rotationRequests;
}
