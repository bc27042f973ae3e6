package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** An OSB plan as a catalog object; shared by ClusterServicePlan and ServicePlan. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServicePlanSpec {
  /** Owner of a ClusterServicePlan. */
  public String clusterServiceBrokerName;
  /** Owner of a (namespaced) ServicePlan: a ServiceBroker in the same namespace. */
  public String serviceBrokerName;
  public String externalName;
  public String externalID;
  public String description;
  /** Overrides the class's bindable when set. */
  public Boolean bindable;
  public Boolean free;
  /** Plan-level plan_updateable (OSB 2.17); overrides the class's planUpdatable when set. */
  public Boolean planUpdatable;
  /** OSB maximum_polling_duration in seconds: polling past it fails the operation. */
  public Long maximumPollingDuration;
  public JsonNode maintenanceInfo;
  public Boolean bindingRotatable;
  public JsonNode externalMetadata;
  public JsonNode instanceCreateParameterSchema;
  public JsonNode instanceUpdateParameterSchema;
  public JsonNode serviceBindingCreateParameterSchema;
  public JsonNode defaultProvisionParameters;
  /** The plan's class: a ClusterServiceClass for ClusterServicePlans... */
  public ClusterObjectReference clusterServiceClassRef;
  /** ...or a ServiceClass in the same namespace for ServicePlans. */
  public LocalObjectReference serviceClassRef;
}
