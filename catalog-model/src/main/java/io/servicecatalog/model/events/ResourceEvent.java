package io.servicecatalog.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * v1: a committed change of one resource, as catalog-api's outbox publishes it on {@link
 * Topics#RESOURCES}. Carries the whole object after the change (never credentials: the catalog
 * holds none), so consumers reconcile on state rather than on the verb.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourceEvent(
    int schemaVersion,
    String eventId,
    Type type,
    String kind,
    String namespace,
    String name,
    String uid,
    String resourceVersion,
    Long generation,
    String time,
    JsonNode object) {

  public static final int SCHEMA_VERSION = 1;

  public enum Type {
    ADDED,
    MODIFIED,
    DELETED
  }
}
