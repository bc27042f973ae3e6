package io.servicecatalog.gateway.store;

import io.servicecatalog.model.events.OperationResult.Operation;
import java.time.Instant;

/**
 * One row of {@code broker_gateway.operations}: the state of one OSB operation for one resource,
 * with what is needed to (re)send, poll or orphan-mitigate it after a restart. Holds no
 * credentials: the broker's auth is a reference to its Secret, read when a request is sent.
 */
public class OperationRecord {
  /** The key of a once-per-resource operation (provision, deprovision, bind, unbind). */
  public static final String ONCE = "once";

  public long id;
  public String resourceKind;
  public String resourceNamespace;
  public String resourceName;
  public String resourceUid;
  public Operation operation;
  public String opKey;
  public Long generation;
  public OperationState state;

  public String brokerName;
  public String brokerUrl;
  public boolean brokerInsecure;
  public String brokerCaBundle;
  public String authType;
  public String authSecretNamespace;
  public String authSecretName;
  public String instanceId;
  public String bindingId;
  public String serviceId;
  public String planId;
  public String originatingIdentity;
  /** Operations with the same key are sent one at a time (an instance and its bindings). */
  public String serialKey;
  public String brokerKind;
  public String brokerNamespace;
  public Long requestTimeoutMs;
  /** UPDATE: the plan the instance had before; last_operation is polled with it. */
  public String previousPlanId;
  /** UPDATE: whether plan_id was part of the request. */
  public Boolean planChange;
  public String maintenanceVersion;
  public String previousMaintenanceVersion;
  /** sha256 of the parameters sent; never the values. */
  public String parametersChecksum;
  public String predecessorBindingId;
  public Long rotationRequests;
  public Instant expiresAt;
  public Instant renewBefore;
  public Boolean instanceUsable;
  public Boolean updateRepeatable;
  /** The plan's maximum_polling_duration (s) of a create; also bounds polling an orphan-mitigation DELETE. */
  public Long maxPollingSeconds;
  /** Owner id of the process that saved the last step. */
  public String lastWorker;

  public String operationToken;
  public String dashboardUrl;
  public String lastDescription;
  public Long pollIntervalMs;
  public Instant pollDeadline;
  public AfterOrphanMitigation omThen;

  public String requestIdentity;
  public Integer httpStatus;
  public String reason;
  public String message;
  public boolean terminal;

  public int attempts;
  public Instant nextAttemptAt;
  public Instant startedAt;
  public Instant retryDeadline;
  public String leaseOwner;
  public Instant leaseUntil;
  public Instant createdAt;
  public Instant updatedAt;
  public Instant finishedAt;

  /** What happens once an orphan-mitigation DELETE has succeeded. */
  public enum AfterOrphanMitigation {
    /** The failure was temporary: send the original request again (after backoff). */
    RETRY,
    /** The failure was final: the operation ends FAILED. */
    FAIL,
    /** The resource is gone: the operation ends CANCELLED. */
    CANCEL
  }

  /** A field-by-field copy (the worker keeps one to undo a step that failed half-way). */
  public OperationRecord copy() {
    OperationRecord c = new OperationRecord();
    for (java.lang.reflect.Field f : OperationRecord.class.getFields()) {
      if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      try {
        f.set(c, f.get(this));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return c;
  }

  /** "ServiceInstance ns/name uid=..." for log lines. */
  public String subject() {
    return resourceKind
        + " "
        + (resourceNamespace == null ? "" : resourceNamespace + "/")
        + resourceName
        + " uid="
        + resourceUid;
  }

  @Override
  public String toString() {
    return "Operation[" + id + " " + operation + "/" + opKey + " " + state + " " + subject() + "]";
  }
}
