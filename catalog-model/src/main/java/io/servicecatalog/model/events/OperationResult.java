package io.servicecatalog.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.Times;
import java.util.UUID;

/**
 * v1: the outcome (or progress) of work done for one resource, published on {@link
 * Topics#RESULTS} by broker-gateway and credential-injector. catalog-api alone turns it into
 * status. {@code uid} and {@code generation} let it drop results for objects that were replaced.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OperationResult {
  public static final int SCHEMA_VERSION = 1;

  public enum Operation {
    FETCH_CATALOG,
    PROVISION,
    UPDATE,
    DEPROVISION,
    BIND,
    UNBIND,
    INJECT_SECRET,
    DELETE_SECRET,
    /** broker-gateway: a successor OSB binding (predecessor_binding_id) replaced the credentials. */
    ROTATE_BINDING,
    /** broker-gateway: the predecessor OSB binding of a rotation was unbound after its grace period. */
    UNBIND_PREDECESSOR,
    /** broker-gateway: GET of the instance at the broker (instances_retrievable), compared with the catalog. */
    FETCH_INSTANCE
  }

  public enum Outcome {
    IN_PROGRESS,
    SUCCEEDED,
    FAILED
  }

  public int schemaVersion = SCHEMA_VERSION;
  public String resultId = UUID.randomUUID().toString();
  public String source;
  public String time = Times.now();

  public String kind;
  public String namespace;
  public String name;
  public String uid;
  public Long generation;

  public Operation operation;
  public Outcome outcome;
  /** A failure that retrying the same request cannot fix (e.g. the broker answered 400). */
  public Boolean terminal;
  public String reason;
  public String message;

  public Boolean asyncOpInProgress;
  /** The broker's operation token, echoed on polls. */
  public String lastOperation;
  public String dashboardURL;
  public Boolean orphanMitigationInProgress;
  /** X-Broker-API-Request-Identity of the call this result is about. */
  public String requestIdentity;
  public Integer httpStatus;

  /** FETCH_CATALOG: the broker's catalog response body ({"services": [...]}). */
  public JsonNode catalog;
  /** INJECT_SECRET / DELETE_SECRET: the Secret written or removed. */
  public String secretName;

  /**
   * UPDATE / DEPROVISION failures: the broker's {@code instance_usable} (absent: the broker said
   * nothing, the spec's default is true).
   */
  public Boolean instanceUsable;
  /** UPDATE failures: the broker's {@code update_repeatable}; false means the same update is never retried. */
  public Boolean updateRepeatable;
  /** PROVISION / UPDATE SUCCEEDED: the OSB plan id the instance is on at the broker now. */
  public String planExternalID;
  /** PROVISION / UPDATE SUCCEEDED: the {@code maintenance_info.version} the broker accepted, if any. */
  public String maintenanceInfoVersion;
  /** BIND / ROTATE_BINDING SUCCEEDED: the OSB binding id whose credentials are the current ones. */
  public String bindingId;
  /** ROTATE_BINDING, UNBIND_PREDECESSOR: the OSB binding id that was replaced. */
  public String predecessorBindingId;
  /** BIND / ROTATE_BINDING SUCCEEDED: the broker's binding metadata {@code expires_at} (RFC 3339). */
  public String expiresAt;
  /** BIND / ROTATE_BINDING SUCCEEDED: the broker's binding metadata {@code renew_before} (RFC 3339). */
  public String renewBefore;
  /** ROTATE_BINDING SUCCEEDED: when the credentials were replaced (RFC 3339). */
  public String lastRotationTime;
  /** BIND / ROTATE_BINDING SUCCEEDED: when the next automatic rotation is due (RFC 3339); absent: none. */
  public String nextRotationTime;
  /** ROTATE_BINDING: the {@code spec.rotationRequests} value answered by this rotation (every request up to it). */
  public Long rotationRequests;
  /**
   * FETCH_INSTANCE SUCCEEDED: where the broker's instance differs from the catalog, any of {@code
   * instance} (the broker answered 404), {@code plan}, {@code parameters}, {@code dashboardURL},
   * {@code maintenanceInfo}; empty when in sync. Names only, never values.
   */
  public java.util.List<String> drift;

  public static OperationResult about(
      String source, String kind, String namespace, String name, String uid, Long generation) {
    OperationResult r = new OperationResult();
    r.source = source;
    r.kind = kind;
    r.namespace = namespace;
    r.name = name;
    r.uid = uid;
    r.generation = generation;
    return r;
  }

  public OperationResult op(Operation operation, Outcome outcome, String reason, String message) {
    this.operation = operation;
    this.outcome = outcome;
    this.reason = reason;
    this.message = message;
    return this;
  }
}
