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
  /** When the credentials were last replaced by a rotation. */
  public String lastRotationTime;
  /** When the next rotation is due (from the broker's renew_before / expires_at), if any. */
  public String nextRotationTime;
  /** When the Secret was last restored after it was deleted or edited by hand. */
  public String lastSecretRepairTime;
}
