package io.servicecatalog.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.Times;
import java.util.UUID;

/**
 * v1: one audit record on {@link Topics#AUDIT}, a CloudEvent 1.0 in structured JSON mode, keyed
 * by the uid of the resource it is about. Types:
 *
 * <ul>
 *   <li>{@code io.servicecatalog.<resource>.<verb>} for API writes, resource one of broker,
 *       class, plan, instance, binding; verb one of created, updated, deletion-requested,
 *       deleted, status-updated. {@code data}: user, verb, kind, namespace, name, uid,
 *       resourceVersion, result.
 *   <li>{@code io.servicecatalog.instance.provisioned} / {@code .deprovisioned}, {@code
 *       io.servicecatalog.binding.bound} / {@code .unbound} and their {@code -failed} twins for
 *       outcomes.
 *   <li>{@code io.servicecatalog.osb.call} for every OSB request: broker, operation, method,
 *       path (ids only), requestIdentity, httpStatus, durationMs.
 * </ul>
 *
 * Never a credential, a Secret value or a parameter value: {@code data} carries names, ids,
 * outcomes and checksums only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEvent(
    String specversion,
    String id,
    String source,
    String type,
    String subject,
    String time,
    String datacontenttype,
    String dataschema,
    JsonNode data) {

  public static final String SPEC_VERSION = "1.0";
  public static final String DATA_SCHEMA_V1 = "https://servicecatalog.io/schemas/audit/v1";

  /** A new event with a fresh id and the current time. */
  public static AuditEvent of(String source, String type, String subject, JsonNode data) {
    return new AuditEvent(SPEC_VERSION, UUID.randomUUID().toString(), source, type, subject,
        Times.now(), "application/json", DATA_SCHEMA_V1, data);
  }
}
