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
    DELETE_SECRET
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
