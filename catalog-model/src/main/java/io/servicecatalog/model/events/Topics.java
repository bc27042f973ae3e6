package io.servicecatalog.model.events;

/** Kafka topics of the mesh. Every record is keyed by the uid of the resource it is about. */
public final class Topics {
  private Topics() {}

  /** catalog-api → everyone: every committed change of a resource (from the outbox). */
  public static final String RESOURCES = "servicecatalog.resources";
  /** broker-gateway, credential-injector → catalog-api: outcomes to apply to status. */
  public static final String RESULTS = "servicecatalog.results";
  /** broker-gateway → credential-injector: encrypted binding credentials (compacted). */
  public static final String CREDENTIALS = "servicecatalog.credentials";
  /** Audit trail (CloudEvents) for any consumer. */
  public static final String AUDIT = "servicecatalog.audit";
}
