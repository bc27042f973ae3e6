package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("Progress of provision, update and deprovision at the broker.")
public class ServiceInstanceStatus extends ConditionedStatus {
  public static final String OP_PROVISION = "Provision";
  public static final String OP_UPDATE = "Update";
  public static final String OP_DEPROVISION = "Deprovision";

  public static final String PROVISIONED = "Provisioned";
  public static final String NOT_PROVISIONED = "NotProvisioned";

  public static final String DEPROVISION_NOT_REQUIRED = "NotRequired";
  public static final String DEPROVISION_REQUIRED = "Required";
  public static final String DEPROVISION_SUCCEEDED = "Succeeded";
  public static final String DEPROVISION_FAILED = "Failed";

  @JsonPropertyDescription("True while an asynchronous operation is being polled at the broker.")
  public Boolean asyncOpInProgress;
  @JsonPropertyDescription("True while a failed provision is being cleaned up at the broker.")
  public Boolean orphanMitigationInProgress;
  @JsonPropertyDescription(
      "The operation key the broker returned for the asynchronous operation in progress.")
  public String lastOperation;
  @JsonPropertyDescription("The operation in progress: Provision, Update or Deprovision.")
  public String currentOperation;
  @JsonPropertyDescription("When the operation in progress started.")
  public String operationStartTime;
  @JsonPropertyDescription("What the operation in progress sends to the broker.")
  public PropertiesState inProgressProperties;
  @JsonPropertyDescription(
      "What the broker is known to have: plan, parameters (Secret-sourced values redacted), "
      + "checksum, user.")
  public PropertiesState externalProperties;
  @JsonPropertyDescription(
      "Provisioned once the broker has provisioned the instance, else NotProvisioned.")
  public String provisionStatus;
  @JsonPropertyDescription(
      "Whether deleting needs a deprovision: NotRequired, Required, Succeeded or Failed.")
  public String deprovisionStatus;
  @JsonPropertyDescription("The broker's dashboard for the instance, if it gave one.")
  public String dashboardURL;
  @JsonPropertyDescription("The class and plan defaults that were applied to the parameters.")
  public JsonNode defaultProvisionParameters;
  @JsonPropertyDescription("The plan as the user named it (printer column).")
  public String userSpecifiedPlanName;
  @JsonPropertyDescription("The class as the user named it (printer column).")
  public String userSpecifiedClassName;
}
