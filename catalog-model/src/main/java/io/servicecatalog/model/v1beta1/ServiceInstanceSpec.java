package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** What the user asks for: a plan (by one of three reference styles) and parameters. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription(
    "The class and plan (by external names, external ids or Kubernetes names; cluster-scoped or "
    + "namespaced) and the parameters.")
public class ServiceInstanceSpec {
  @JsonPropertyDescription(
      "The ClusterServiceClass by its name at the broker; use with clusterServicePlanExternalName.")
  public String clusterServiceClassExternalName;
  @JsonPropertyDescription("The ClusterServicePlan by its name at the broker.")
  public String clusterServicePlanExternalName;
  @JsonPropertyDescription(
      "The ClusterServiceClass by its id at the broker; use with clusterServicePlanExternalID.")
  public String clusterServiceClassExternalID;
  @JsonPropertyDescription("The ClusterServicePlan by its id at the broker.")
  public String clusterServicePlanExternalID;
  @JsonPropertyDescription(
      "The ClusterServiceClass by its Kubernetes name; use with clusterServicePlanName.")
  public String clusterServiceClassName;
  @JsonPropertyDescription("The ClusterServicePlan by its Kubernetes name.")
  public String clusterServicePlanName;
  @JsonPropertyDescription(
      "The ServiceClass (same namespace) by its name at the broker; use with "
      + "servicePlanExternalName.")
  public String serviceClassExternalName;
  @JsonPropertyDescription("The ServicePlan (same namespace) by its name at the broker.")
  public String servicePlanExternalName;
  @JsonPropertyDescription(
      "The ServiceClass (same namespace) by its id at the broker; use with servicePlanExternalID.")
  public String serviceClassExternalID;
  @JsonPropertyDescription("The ServicePlan (same namespace) by its id at the broker.")
  public String servicePlanExternalID;
  @JsonPropertyDescription(
      "The ServiceClass (same namespace) by its Kubernetes name; use with servicePlanName.")
  public String serviceClassName;
  @JsonPropertyDescription("The ServicePlan (same namespace) by its Kubernetes name.")
  public String servicePlanName;

  /** Resolved references, set by the catalog; must be absent on create. */
  @JsonPropertyDescription(
      "The resolved ClusterServiceClass; set by the catalog, absent on create.")
  public ClusterObjectReference clusterServiceClassRef;
  @JsonPropertyDescription("The resolved ClusterServicePlan; set by the catalog, absent on create.")
  public ClusterObjectReference clusterServicePlanRef;
  @JsonPropertyDescription("The resolved ServiceClass; set by the catalog, absent on create.")
  public LocalObjectReference serviceClassRef;
  @JsonPropertyDescription("The resolved ServicePlan; set by the catalog, absent on create.")
  public LocalObjectReference servicePlanRef;

  @JsonPropertyDescription(
      "Parameters sent to the broker on provision and update; any JSON object.")
  public JsonNode parameters;
  @JsonPropertyDescription(
      "Parameters read from Secret keys holding JSON objects, merged with parameters; a key may "
      + "come from one source only.")
  public List<ParametersFromSource> parametersFrom;
  /** The OSB instance_id; a UUID is generated when empty; immutable. */
  @JsonPropertyDescription("The OSB instance_id; a UUID is generated when empty; immutable.")
  public String externalID;
  @JsonPropertyDescription(
      "Who made the latest spec change, sent to the broker as the originating identity; set by "
      + "the platform.")
  public UserInfo userInfo;
  @JsonPropertyDescription(
      "Counter; increasing it sends an update to the broker again. Must not decrease.")
  public Long updateRequests;
}
