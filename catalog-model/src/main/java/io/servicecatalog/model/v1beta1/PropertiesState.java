package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What was sent to (inProgressProperties) or is known to be at (externalProperties) the broker.
 * Secret-sourced parameter values are shown as "&lt;redacted&gt;"; the checksum covers the real ones.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PropertiesState {
  @JsonPropertyDescription("The ClusterServicePlan's name at the broker.")
  public String clusterServicePlanExternalName;
  @JsonPropertyDescription("The ClusterServicePlan's id at the broker (plan_id).")
  public String clusterServicePlanExternalID;
  @JsonPropertyDescription("The ServicePlan's name at the broker.")
  public String servicePlanExternalName;
  @JsonPropertyDescription("The ServicePlan's id at the broker (plan_id).")
  public String servicePlanExternalID;
  @JsonPropertyDescription("The parameters; values that came from Secrets are shown as <redacted>.")
  public JsonNode parameters;
  @JsonPropertyDescription("SHA-256 (hex) of the real parameters.")
  public String parameterChecksum;
  @JsonPropertyDescription("The user whose change this is.")
  public UserInfo userInfo;
}
