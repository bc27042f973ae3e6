package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

@JsonInclude(JsonInclude.Include.NON_NULL)
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

  public Boolean asyncOpInProgress;
  public Boolean orphanMitigationInProgress;
  public String lastOperation;
  public String currentOperation;
  public String operationStartTime;
  public PropertiesState inProgressProperties;
  public PropertiesState externalProperties;
  public String provisionStatus;
  public String deprovisionStatus;
  public String dashboardURL;
  public JsonNode defaultProvisionParameters;
  public String userSpecifiedPlanName;
  public String userSpecifiedClassName;
}
