package io.servicecatalog.api.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.client.CustomResource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.events.AuditEvent;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.events.Topics;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.UUID;

/**
 * Reads and writes catalog objects. Every write also appends its {@link ResourceEvent} to the
 * outbox in the same transaction; callers run these inside {@code Panache.withTransaction}.
 */
@ApplicationScoped
public class ResourceStore {

  public Uni<ResourceEntity> find(ResourceKind kind, String namespace, String name) {
    return ResourceEntity.<ResourceEntity>find(
            "kind = ?1 and namespace = ?2 and name = ?3", kind.kind(), ns(namespace), name)
        .firstResult();
  }

  /** Row-locked read: concurrent writers of one object serialise instead of losing updates. */
  public Uni<ResourceEntity> findForUpdate(ResourceKind kind, String namespace, String name) {
    return ResourceEntity.<ResourceEntity>find(
            "kind = ?1 and namespace = ?2 and name = ?3", kind.kind(), ns(namespace), name)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .firstResult();
  }

  public Uni<ResourceEntity> findByUidForUpdate(UUID uid) {
    return ResourceEntity.<ResourceEntity>find("uid = ?1", uid)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .firstResult();
  }

  /** All objects of a kind; namespace null means every namespace. Ordered by name. */
  public Uni<List<ResourceEntity>> list(ResourceKind kind, String namespace) {
    if (namespace == null) {
      return ResourceEntity.list("kind = ?1 order by namespace, name", kind.kind());
    }
    return ResourceEntity.list(
        "kind = ?1 and namespace = ?2 order by name", kind.kind(), ns(namespace));
  }

  /** A listed object: its key and its stored JSON, not a managed entity. */
  public record Listed(String namespace, String name, String body) {}

  /**
   * One page in (namespace, name) order after the cursor; namespace null means all namespaces.
   * {@code labels} (a JSON object, or null) narrows it to objects carrying all those labels.
   *
   * <p>Plain rows rather than entities: a list loads hundreds of objects that are only read, and
   * managed entities cost a hydration each plus a dirty check of all of them before every further
   * query of the session. The cluster-wide cursor is a row comparison so that PostgreSQL uses it as
   * an index condition: the OR form filtered every row before the cursor, so late pages read the
   * whole kind.
   */
  public Uni<List<Listed>> listAfter(ResourceKind kind, String namespace, String afterNamespace,
      String afterName, String labels, int max) {
    // Parameters numbered in order of appearance: the reactive client binds them positionally.
    StringBuilder sql = new StringBuilder("select namespace, name, body from catalog_api.resources where kind = ?1");
    if (namespace == null) {
      sql.append(" and (namespace, name) > (?2, ?3)");
    } else {
      sql.append(" and namespace = ?2 and name > ?3");
    }
    if (labels != null) {
      // Via text: a parameter cast straight to jsonb is typed jsonb, and the client then sends the
      // Java String as a JSON string literal, which no labels object contains.
      sql.append(" and labels @> cast(cast(?4 as text) as jsonb)");
    }
    int limitParameter = labels != null ? 5 : 4;
    sql.append(" order by namespace, name limit ?").append(limitParameter);
    return Panache.getSession().flatMap(s -> {
      var q = s.<Object[]>createNativeQuery(sql.toString())
          .setParameter(1, kind.kind())
          .setParameter(2, namespace == null ? afterNamespace : namespace)
          .setParameter(3, afterName)
          .setParameter(limitParameter, max);
      if (labels != null) {
        q.setParameter(4, labels);
      }
      return q.getResultList();
    }).map(rows -> {
      List<Listed> out = new java.util.ArrayList<>(rows.size());
      for (Object[] r : rows) {
        out.add(new Listed((String) r[0], (String) r[1], (String) r[2]));
      }
      return out;
    });
  }

  /**
   * The newest resourceVersion handed out: a list is consistent up to it. (Untyped native queries
   * here and in {@link #nextResourceVersion}: with a result class Hibernate caches a new query plan
   * per call under one hash, and the lookups through that ever longer chain took a sixth of
   * catalog-api's CPU while storing.)
   */
  public Uni<Long> currentResourceVersion() {
    return Panache.getSession().flatMap(s -> s.createNativeQuery(
            "select case when is_called then last_value else 0 end from catalog_api.resource_version_seq")
        .getSingleResult()).map(v -> ((Number) v).longValue());
  }

  public Uni<List<ResourceEntity>> listOwnedBy(ResourceKind kind, String namespace, String owner) {
    return ResourceEntity.list(
        "kind = ?1 and namespace = ?2 and ownerName = ?3 order by name",
        kind.kind(),
        ns(namespace),
        owner);
  }

  public <T extends CustomResource<?, ?>> Uni<ResourceEntity> create(T object, String ownerName) {
    return nextResourceVersion()
        .flatMap(
            rv -> {
              ResourceEntity e = new ResourceEntity();
              e.uid = UUID.fromString(object.getMetadata().getUid());
              e.kind = object.getKind();
              e.namespace = ns(object.getMetadata().getNamespace());
              e.name = object.getMetadata().getName();
              e.generation = object.getMetadata().getGeneration();
              e.ownerName = ownerName;
              stamp(e, object, rv);
              return e.<ResourceEntity>persist()
                  .flatMap(saved -> outbox(ResourceEvent.Type.ADDED, saved).replaceWith(saved));
            });
  }

  /** Stores a new state of an existing object with a new resourceVersion and publishes it. */
  public <T extends CustomResource<?, ?>> Uni<ResourceEntity> update(ResourceEntity e, T object) {
    return nextResourceVersion()
        .flatMap(
            rv -> {
              e.generation = object.getMetadata().getGeneration();
              stamp(e, object, rv);
              return outbox(ResourceEvent.Type.MODIFIED, e).replaceWith(e);
            });
  }

  /** Removes the object for good; its last state goes out as a DELETED event. */
  public <T extends CustomResource<?, ?>> Uni<Void> delete(ResourceEntity e, T object) {
    return nextResourceVersion()
        .flatMap(
            rv -> {
              stamp(e, object, rv);
              return outbox(ResourceEvent.Type.DELETED, e).flatMap(x -> e.delete());
            });
  }

  /** Publishes the current state again, unchanged, to re-trigger consumers waiting on it. */
  public Uni<Void> republish(ResourceEntity e) {
    return outbox(ResourceEvent.Type.MODIFIED, e);
  }

  public <T extends CustomResource<?, ?>> T read(ResourceEntity e, Class<T> type) {
    try {
      return Json.MAPPER.readValue(e.body, type);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("stored " + e.kind + " " + e.uid + " is unreadable", ex);
    }
  }

  public Uni<Long> nextResourceVersion() {
    return Panache.getSession()
        .flatMap(
            s ->
                s.createNativeQuery("select nextval('catalog_api.resource_version_seq')")
                    .getSingleResult())
        .map(v -> ((Number) v).longValue());
  }

  private void stamp(ResourceEntity e, CustomResource<?, ?> object, long rv) {
    e.resourceVersion = rv;
    object.getMetadata().setResourceVersion(Long.toString(rv));
    e.body = write(object);
  }

  private Uni<Void> outbox(ResourceEvent.Type type, ResourceEntity e) {
    try {
      ResourceEvent event =
          new ResourceEvent(
              ResourceEvent.SCHEMA_VERSION,
              UUID.randomUUID().toString(),
              type,
              e.kind,
              e.namespace.isEmpty() ? null : e.namespace,
              e.name,
              e.uid.toString(),
              Long.toString(e.resourceVersion),
              e.generation,
              Times.now(),
              Json.MAPPER.readTree(e.body));
      OutboxEntity row = new OutboxEntity();
      row.topic = Topics.RESOURCES;
      row.messageKey = e.uid.toString();
      row.payload = Json.MAPPER.writeValueAsString(event);
      row.resourceVersion = e.resourceVersion;
      row.kind = e.kind;
      row.namespace = e.namespace;
      return row.persist().flatMap(x -> audit(e, writeType(type, event.object()), null));
    } catch (JsonProcessingException ex) {
      return Uni.createFrom().failure(ex);
    }
  }

  /**
   * Appends an audit CloudEvent for this object to the outbox (same transaction as the change).
   * {@code type} is the full CloudEvent type; {@code extra} adds outcome fields. Only names, ids
   * and outcomes go in: the catalog holds no credentials, and parameter values are left out.
   */
  public Uni<Void> audit(ResourceEntity e, String type, com.fasterxml.jackson.databind.node.ObjectNode extra) {
    Actor actor = Actor.current();
    com.fasterxml.jackson.databind.node.ObjectNode data = Json.MAPPER.createObjectNode();
    data.set("user", Json.MAPPER.valueToTree(actor.user()));
    data.put("verb", actor.verb()).put("kind", e.kind).put("name", e.name).put("uid", e.uid.toString())
        .put("resourceVersion", Long.toString(e.resourceVersion)).put("generation", e.generation)
        .put("result", "Success");
    if (!e.namespace.isEmpty()) {
      data.put("namespace", e.namespace);
    }
    if (extra != null) {
      data.setAll(extra);
    }
    String subject = (e.namespace.isEmpty() ? "" : "namespaces/" + e.namespace + "/")
        + ResourceKind.fromKind(e.kind).map(ResourceKind::plural).orElse(e.kind) + "/" + e.name;
    AuditEvent event = AuditEvent.of("/apis/" + io.servicecatalog.model.ServiceCatalog.API_VERSION + "/catalog-api",
        type, subject, data);
    try {
      OutboxEntity row = new OutboxEntity();
      row.topic = Topics.AUDIT;
      row.messageKey = e.uid.toString();
      row.payload = Json.MAPPER.writeValueAsString(event);
      // Not a resource change: watches skip rows without a resourceVersion.
      return row.persist().replaceWithVoid();
    } catch (JsonProcessingException ex) {
      return Uni.createFrom().failure(ex);
    }
  }

  /** io.servicecatalog.&lt;resource&gt;.&lt;verb&gt; for a resource change. */
  static String writeType(ResourceEvent.Type type, com.fasterxml.jackson.databind.JsonNode object) {
    String verb = switch (type) {
      case ADDED -> "created";
      case DELETED -> "deleted";
      case MODIFIED -> {
        String asked = Actor.current().verb();
        if ("delete".equals(asked)) {
          yield "deletion-requested";
        }
        yield "status".equals(asked) || asked.startsWith("result") ? "status-updated" : "updated";
      }
    };
    return "io.servicecatalog." + resourceName(object.path("kind").asText()) + "." + verb;
  }

  public static String resourceName(String kind) {
    String k = kind.replace("Cluster", "");
    return switch (k) {
      case "ServiceBroker" -> "broker";
      case "ServiceClass" -> "class";
      case "ServicePlan" -> "plan";
      case "ServiceInstance" -> "instance";
      case "ServiceBinding" -> "binding";
      default -> k.toLowerCase();
    };
  }

  private static String write(Object o) {
    try {
      return Json.MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String ns(String namespace) {
    return namespace == null ? "" : namespace;
  }
}
