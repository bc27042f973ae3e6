package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("Progress of bind and unbind at the broker, and the Secret written.")
public class ServiceBindingStatus extends ConditionedStatus {
  public static final String OP_BIND = "Bind";
  public static final String OP_UNBIND = "Unbind";

  public static final String UNBIND_NOT_REQUIRED = "NotRequired";
  public static final String UNBIND_REQUIRED = "Required";
  public static final String UNBIND_SUCCEEDED = "Succeeded";
  public static final String UNBIND_FAILED = "Failed";

  @JsonPropertyDescription(
      "True while an asynchronous bind or unbind is being polled at the broker.")
  public Boolean asyncOpInProgress;
  @JsonPropertyDescription(
      "The operation key the broker returned for the asynchronous operation in progress.")
  public String lastOperation;
  @JsonPropertyDescription("The operation in progress: Bind or Unbind.")
  public String currentOperation;
  @JsonPropertyDescription("When the operation in progress started.")
  public String operationStartTime;
  @JsonPropertyDescription("What the operation in progress sends to the broker.")
  public PropertiesState inProgressProperties;
  @JsonPropertyDescription(
      "What the broker is known to have: parameters (Secret-sourced values redacted), checksum, "
      + "user.")
  public PropertiesState externalProperties;
  @JsonPropertyDescription("True while a failed bind is being cleaned up at the broker.")
  public Boolean orphanMitigationInProgress;
  @JsonPropertyDescription(
      "Whether deleting needs an unbind: NotRequired, Required, Succeeded or Failed.")
  public String unbindStatus;
  /**
   * The Secret holding the credentials while it exists (servicebinding.io's
   * ProvisionedService duck type), so a binding runtime can project it.
   */
  @JsonPropertyDescription("The Secret holding the credentials, while it exists.")
  public LocalObjectReference binding;
  /** When the credentials were last replaced by a rotation. */
  @JsonPropertyDescription("When the credentials were last replaced by a rotation.")
  public String lastRotationTime;
  /** When the next rotation is due (from the broker's renew_before / expires_at), if any. */
  @JsonPropertyDescription("When the next rotation is due, if any.")
  public String nextRotationTime;
  /** When the Secret was last restored after it was deleted or edited by hand. */
  @JsonPropertyDescription(
      "When the Secret was last restored after it was deleted or edited by hand.")
  public String lastSecretRepairTime;
}
