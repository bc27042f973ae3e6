package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceBindingStatus extends ConditionedStatus {
  public static final String OP_BIND = "Bind";
  public static final String OP_UNBIND = "Unbind";

  public static final String UNBIND_NOT_REQUIRED = "NotRequired";
  public static final String UNBIND_REQUIRED = "Required";
  public static final String UNBIND_SUCCEEDED = "Succeeded";
  public static final String UNBIND_FAILED = "Failed";

  public Boolean asyncOpInProgress;
  public String lastOperation;
  public String currentOperation;
  public String operationStartTime;
  public PropertiesState inProgressProperties;
  public PropertiesState externalProperties;
  public Boolean orphanMitigationInProgress;
  public String unbindStatus;
  /**
   * The Secret holding the credentials while it exists (servicebinding.io's
   * ProvisionedService duck type), so a binding runtime can project it.
   */
  public LocalObjectReference binding;
}
