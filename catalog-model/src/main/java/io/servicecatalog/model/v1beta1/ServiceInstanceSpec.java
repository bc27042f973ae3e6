package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** What the user asks for: a plan (by one of three reference styles) and parameters. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceInstanceSpec {
  public String clusterServiceClassExternalName;
  public String clusterServicePlanExternalName;
  public String clusterServiceClassExternalID;
  public String clusterServicePlanExternalID;
  public String clusterServiceClassName;
  public String clusterServicePlanName;
  public String serviceClassExternalName;
  public String servicePlanExternalName;
  public String serviceClassExternalID;
  public String servicePlanExternalID;
  public String serviceClassName;
  public String servicePlanName;

  /** Resolved references, set by the catalog; must be absent on create. */
  public ClusterObjectReference clusterServiceClassRef;
  public ClusterObjectReference clusterServicePlanRef;
  public LocalObjectReference serviceClassRef;
  public LocalObjectReference servicePlanRef;

  public JsonNode parameters;
  public List<ParametersFromSource> parametersFrom;
  /** The OSB instance_id; a UUID is generated when empty; immutable. */
  public String externalID;
  public UserInfo userInfo;
  public Long updateRequests;
}
