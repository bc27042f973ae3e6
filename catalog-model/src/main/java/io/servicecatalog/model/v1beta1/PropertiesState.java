package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What was sent to (inProgressProperties) or is known to be at (externalProperties) the broker.
 * Secret-sourced parameter values are shown as "&lt;redacted&gt;"; the checksum covers the real ones.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PropertiesState {
  public String clusterServicePlanExternalName;
  public String clusterServicePlanExternalID;
  public String servicePlanExternalName;
  public String servicePlanExternalID;
  public JsonNode parameters;
  public String parameterChecksum;
  public UserInfo userInfo;
}
