package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;

/** An OSB plan as a catalog object; shared by ClusterServicePlan and ServicePlan. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("The OSB plan as the broker's catalog describes it.")
public class ServicePlanSpec {
  /** Owner of a ClusterServicePlan. */
  @JsonPropertyDescription("The ClusterServiceBroker offering this ClusterServicePlan.")
  public String clusterServiceBrokerName;
  /** Owner of a (namespaced) ServicePlan: a ServiceBroker in the same namespace. */
  @JsonPropertyDescription("The ServiceBroker (same namespace) offering this ServicePlan.")
  public String serviceBrokerName;
  @JsonPropertyDescription("The plan's name in the broker's catalog.")
  public String externalName;
  @JsonPropertyDescription("The plan's id in the broker's catalog (OSB plan_id); immutable.")
  public String externalID;
  @JsonPropertyDescription("Short description from the broker.")
  public String description;
  /** Overrides the class's bindable when set. */
  @JsonPropertyDescription(
      "Whether instances of this plan can be bound; overrides the class's bindable when set.")
  public Boolean bindable;
  @JsonPropertyDescription("Whether the plan is free of charge.")
  public Boolean free;
  /** Plan-level plan_updateable (OSB 2.17); overrides the class's planUpdatable when set. */
  @JsonPropertyDescription(
      "Plan-level plan_updateable (OSB 2.17); overrides the class's planUpdatable when set.")
  public Boolean planUpdatable;
  /** OSB maximum_polling_duration in seconds: polling past it fails the operation. */
  @JsonPropertyDescription(
      "OSB maximum_polling_duration in seconds: polling an operation for longer fails it.")
  public Long maximumPollingDuration;
  @JsonPropertyDescription("OSB maintenance_info of the plan (version, description).")
  public JsonNode maintenanceInfo;
  @JsonPropertyDescription("Whether bindings of this plan can be rotated (OSB binding_rotatable).")
  public Boolean bindingRotatable;
  @JsonPropertyDescription("The plan's metadata from the broker, as given.")
  public JsonNode externalMetadata;
  @JsonPropertyDescription("JSON schema of the parameters accepted when provisioning.")
  public JsonNode instanceCreateParameterSchema;
  @JsonPropertyDescription("JSON schema of the parameters accepted when updating.")
  public JsonNode instanceUpdateParameterSchema;
  @JsonPropertyDescription("JSON schema of the parameters accepted when binding.")
  public JsonNode serviceBindingCreateParameterSchema;
  @JsonPropertyDescription("Parameters applied to new instances of this plan that do not set them.")
  public JsonNode defaultProvisionParameters;
  /** The plan's class: a ClusterServiceClass for ClusterServicePlans... */
  @JsonPropertyDescription("The ClusterServiceClass of a ClusterServicePlan.")
  public ClusterObjectReference clusterServiceClassRef;
  /** ...or a ServiceClass in the same namespace for ServicePlans. */
  @JsonPropertyDescription("The ServiceClass (same namespace) of a ServicePlan.")
  public LocalObjectReference serviceClassRef;
}
