package io.servicecatalog.syncer.reconcile;

import static io.servicecatalog.syncer.reconcile.SyncAnnotations.CATALOG_RESOURCE_VERSION;
import static io.servicecatalog.syncer.reconcile.SyncAnnotations.CATALOG_UID;
import static io.servicecatalog.syncer.reconcile.SyncAnnotations.REJECTED_SPEC_HASH;
import static io.servicecatalog.syncer.reconcile.SyncAnnotations.SYNCED_SPEC_HASH;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.syncer.catalogapi.CatalogApi;
import io.servicecatalog.syncer.catalogapi.CatalogApiException;
import io.servicecatalog.syncer.kube.CustomResources;
import io.servicecatalog.syncer.kube.KubeEvents;
import io.servicecatalog.syncer.reconcile.SyncRules.Step;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import org.jboss.logging.Logger;

/**
 * Brings one object's two sides in step: reads the custom resource and the catalog object fresh,
 * asks {@link SyncRules} for the next step, performs it, and repeats until in sync or waiting. A
 * 409 from either side (someone wrote in between) just means "read again and decide again".
 *
 * <p>Before reading anything it asks the same question of the {@link CachedViews}: when the cached
 * state needs nothing (the usual case, an event that echoes the syncer's own write) the pass ends
 * there without a request to either API.
 */
@ApplicationScoped
public class ResourceReconciler {
  private static final Logger LOG = Logger.getLogger(ResourceReconciler.class);

  /** Steps in one pass; a healthy create takes four (finalizer, POST, status+spec, done). */
  static final int MAX_STEPS = 12;

  /** Annotation on the catalog object: the uid of the custom resource it was created from. */
  public static final String CUSTOM_RESOURCE_UID = SyncAnnotations.PREFIX + "custom-resource-uid";

  public enum Outcome {
    IN_SYNC,
    /** The other side is busy (deprovision, deletion): look again later. */
    WAITING,
    /** Not converged within one pass (e.g. repeated conflicts): go again. */
    AGAIN
  }

  private final CustomResources kube;
  private final CatalogApi catalog;
  private final KubeEvents events;
  private final BindingSecrets secrets;
  private final MeterRegistry meters;
  private final CachedViews cached;

  public ResourceReconciler(
      CustomResources kube,
      CatalogApi catalog,
      KubeEvents events,
      BindingSecrets secrets,
      MeterRegistry meters,
      CachedViews cached) {
    this.cached = cached;
    this.kube = kube;
    this.catalog = catalog;
    this.events = events;
    this.secrets = secrets;
    this.meters = meters;
  }

  public Outcome reconcile(ObjectKey key) {
    CachedViews.Snapshot seen = cached.get(key);
    if (seen != null) {
      Step step = SyncRules.decide(seen.customResource(), seen.catalogObject());
      if (step == Step.IN_SYNC || step == Step.WAIT) {
        meters.counter("servicecatalog.syncer.reconciles", "kind", key.kind().kind(), "reads", "cache").increment();
        return step == Step.IN_SYNC ? Outcome.IN_SYNC : Outcome.WAITING;
      }
    }
    meters.counter("servicecatalog.syncer.reconciles", "kind", key.kind().kind(), "reads", "fresh").increment();
    for (int i = 0; i < MAX_STEPS; i++) {
      ObjectNode cr = kube.get(key);
      ObjectNode c = catalog.get(key);
      Step step = SyncRules.decide(cr, c);
      if (step != Step.IN_SYNC && step != Step.WAIT) {
        LOG.debugf("%s: %s", key, step);
        meters
            .counter("servicecatalog.syncer.steps", "kind", key.kind().kind(), "step", step.name())
            .increment();
      }
      try {
        switch (step) {
          case IN_SYNC -> {
            if (cr != null
                && key.kind() == ResourceKind.SERVICE_BINDING
                && !SyncRules.deleting(cr)
                && !secrets.ensureOwned(cr)) {
              return Outcome.AGAIN;
            }
            return Outcome.IN_SYNC;
          }
          case WAIT -> {
            return Outcome.WAITING;
          }
          case ADD_FINALIZER -> addFinalizer(key, cr);
          case CREATE_IN_CATALOG -> {
            if (!createInCatalog(key, cr)) {
              return Outcome.IN_SYNC;
            }
          }
          case FORWARD_SPEC -> forwardSpec(key, cr, c);
          case ADOPT, MIRROR_FROM_CATALOG -> mirror(key, cr, c);
          case MIRROR_STATUS_WHILE_DELETING -> mirrorStatusWhileDeleting(key, cr, c);
          case CREATE_CUSTOM_RESOURCE -> createCustomResource(key, c);
          case DELETE_IN_CATALOG -> {
            catalog.delete(key);
            events.normal(
                cr,
                "DeletingInCatalog",
                "Deleting the catalog's "
                    + key.kind().kind()
                    + "; the finalizer is released once it is gone (deprovision/unbind)");
          }
          case RELEASE_FINALIZER -> releaseFinalizer(key, cr);
          case DELETE_CUSTOM_RESOURCE -> kube.delete(key);
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 && (e.getCode() != 404 || step == Step.CREATE_CUSTOM_RESOURCE)) {
          throw e; // (a 404 on create: the namespace does not exist in Kubernetes; retried with
                   // back-off)
        }
        LOG.debugf("%s: %s got %d from Kubernetes, reading again", key, step, e.getCode());
        conflict(key);
      } catch (CatalogApiException e) {
        if (!e.isConflict() && e.code() != 404) {
          throw e;
        }
        LOG.debugf("%s: %s got %d from catalog-api, reading again", key, step, e.code());
        conflict(key);
      }
    }
    return Outcome.AGAIN;
  }

  private void conflict(ObjectKey key) {
    meters.counter("servicecatalog.syncer.conflicts", "kind", key.kind().kind()).increment();
  }

  // ------------------------------------------------------------------ steps

  private void addFinalizer(ObjectKey key, ObjectNode cr) {
    ObjectNode copy = cr.deepCopy();
    JsonNode existing = copy.path("metadata").get("finalizers");
    ArrayNode finalizers =
        existing instanceof ArrayNode a
            ? a
            : ((ObjectNode) copy.get("metadata")).putArray("finalizers");
    finalizers.add(SyncRules.FINALIZER);
    kube.update(key, copy);
  }

  private void releaseFinalizer(ObjectKey key, ObjectNode cr) {
    ObjectNode copy = cr.deepCopy();
    ArrayNode finalizers = (ArrayNode) copy.path("metadata").path("finalizers");
    for (Iterator<JsonNode> it = finalizers.elements(); it.hasNext(); ) {
      if (SyncRules.FINALIZER.equals(it.next().asText())) {
        it.remove();
      }
    }
    kube.update(key, copy);
    LOG.infof("%s: gone from the catalog, finalizer released", key);
  }

  /** POSTs the CR; false when catalog-api refused it (recorded on the CR, not retried as is). */
  private boolean createInCatalog(ObjectKey key, ObjectNode cr) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("apiVersion", ServiceCatalog.API_VERSION).put("kind", key.kind().kind());
    ObjectNode meta = body.putObject("metadata");
    meta.put("name", key.name());
    if (key.namespace() != null) {
      meta.put("namespace", key.namespace());
    }
    if (cr.path("metadata").has("labels")) {
      meta.set("labels", cr.path("metadata").get("labels").deepCopy());
    }
    meta.putObject("annotations").put(CUSTOM_RESOURCE_UID, SyncRules.uid(cr));
    body.set("spec", cr.has("spec") ? cr.get("spec").deepCopy() : Json.MAPPER.createObjectNode());
    String specHash = CanonicalJson.hash(cr.get("spec"));
    ObjectNode created;
    try {
      created = catalog.create(key.kind(), key.namespace(), body, cr.path("spec").get("userInfo"));
    } catch (CatalogApiException e) {
      if (!e.isRefusal()) {
        throw e;
      }
      rejectCreate(key, cr, specHash, e);
      return false;
    }
    ObjectNode patch = Json.MAPPER.createObjectNode();
    ObjectNode annotations = patch.putObject("metadata").putObject("annotations");
    annotations.put(CATALOG_UID, SyncRules.uid(created));
    annotations.put(SYNCED_SPEC_HASH, specHash);
    annotations.putNull(REJECTED_SPEC_HASH);
    kube.mergePatch(key, patch);
    LOG.infof("%s: created in the catalog (uid %s)", key, SyncRules.uid(created));
    events.normal(cr, "CreatedInCatalog", "Created in the service catalog");
    return true;
  }

  private void rejectCreate(ObjectKey key, ObjectNode cr, String specHash, CatalogApiException e) {
    String message =
        "catalog-api refused the "
            + key.kind().kind()
            + " ("
            + e.code()
            + " "
            + (e.reason() == null ? "" : e.reason())
            + "): "
            + e.getMessage();
    LOG.warnf("%s: %s", key, message);
    events.warning(cr, "CatalogRejected", message);
    ObjectNode patch = Json.MAPPER.createObjectNode();
    patch.putObject("metadata").putObject("annotations").put(REJECTED_SPEC_HASH, specHash);
    ObjectNode patched = kube.mergePatch(key, patch);
    if (hasConditions(key.kind())) {
      ObjectNode copy = patched.deepCopy();
      ObjectNode status = Json.MAPPER.createObjectNode();
      ArrayNode conditions = status.putArray("conditions");
      String now = Times.now();
      conditions
          .addObject()
          .put("type", ServiceCatalog.CONDITION_READY)
          .put("status", ServiceCatalog.FALSE)
          .put("reason", "CatalogRejected")
          .put("message", message)
          .put("lastTransitionTime", now);
      conditions
          .addObject()
          .put("type", ServiceCatalog.CONDITION_FAILED)
          .put("status", ServiceCatalog.TRUE)
          .put("reason", "CatalogRejected")
          .put("message", message)
          .put("lastTransitionTime", now);
      status.put("lastConditionState", ServiceCatalog.CONDITION_FAILED);
      copy.set("status", status);
      kube.updateStatus(key, copy);
    }
  }

  private static boolean hasConditions(ResourceKind kind) {
    return !kind.isServiceClass() && !kind.isServicePlan();
  }

  private void forwardSpec(ObjectKey key, ObjectNode cr, ObjectNode c) {
    ObjectNode body = c.deepCopy();
    body.set("spec", cr.has("spec") ? cr.get("spec").deepCopy() : Json.MAPPER.createObjectNode());
    String specHash = CanonicalJson.hash(cr.get("spec"));
    try {
      catalog.replace(key, body, cr.path("spec").get("userInfo"));
    } catch (CatalogApiException e) {
      if (!e.isRefusal()) {
        throw e;
      }
      String message =
          "catalog-api refused the change ("
              + e.code()
              + " "
              + (e.reason() == null ? "" : e.reason())
              + "): "
              + e.getMessage()
              + "; the spec is set back to the catalog's";
      LOG.warnf("%s: %s", key, message);
      events.warning(cr, "CatalogRejectedChange", message);
      mirror(key, cr, c); // the catalog's spec wins: the custom resource shows what is in effect
      return;
    }
    ObjectNode patch = Json.MAPPER.createObjectNode();
    patch.putObject("metadata").putObject("annotations").put(SYNCED_SPEC_HASH, specHash);
    kube.mergePatch(key, patch);
    LOG.infof("%s: spec change sent to the catalog", key);
    events.normal(cr, "UpdatedInCatalog", "Spec change sent to the service catalog");
  }

  /**
   * Writes C onto the CR: status through the status subresource (when it differs), then spec, the
   * catalog's labels and the sync annotations in one update of the main resource.
   */
  private void mirror(ObjectKey key, ObjectNode cr, ObjectNode c) {
    ObjectNode current = cr;
    if (!CanonicalJson.same(cr.get("status"), c.get("status")) && c.has("status")) {
      ObjectNode withStatus = cr.deepCopy();
      withStatus.set("status", c.get("status").deepCopy());
      current = kube.updateStatus(key, withStatus);
    }
    ObjectNode desired = current.deepCopy();
    desired.set("spec", c.has("spec") ? c.get("spec").deepCopy() : Json.MAPPER.createObjectNode());
    ObjectNode meta = (ObjectNode) desired.get("metadata");
    JsonNode catalogLabels = c.path("metadata").path("labels");
    if (catalogLabels.isObject() && catalogLabels.size() > 0) {
      ObjectNode labels = meta.get("labels") instanceof ObjectNode l ? l : meta.putObject("labels");
      catalogLabels.fields().forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
    }
    ObjectNode annotations =
        meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
    annotations.put(CATALOG_UID, SyncRules.uid(c));
    annotations.put(CATALOG_RESOURCE_VERSION, SyncRules.resourceVersion(c));
    annotations.put(SYNCED_SPEC_HASH, CanonicalJson.hash(c.get("spec")));
    annotations.remove(REJECTED_SPEC_HASH);
    if (CanonicalJson.same(withoutStatus(desired), withoutStatus(current))) {
      return;
    }
    ObjectNode written = kube.update(key, desired);
    String storedHash = CanonicalJson.hash(written.get("spec"));
    if (!storedHash.equals(CanonicalJson.hash(c.get("spec")))) {
      // Kubernetes pruned a field its schema does not know: what is stored is what was agreed.
      ObjectNode patch = Json.MAPPER.createObjectNode();
      patch.putObject("metadata").putObject("annotations").put(SYNCED_SPEC_HASH, storedHash);
      kube.mergePatch(key, patch);
    }
  }

  private void mirrorStatusWhileDeleting(ObjectKey key, ObjectNode cr, ObjectNode c) {
    if (c.hasNonNull("status")) {
      ObjectNode withStatus = cr.deepCopy();
      withStatus.set("status", c.get("status").deepCopy());
      kube.updateStatus(key, withStatus);
    }
    ObjectNode patch = Json.MAPPER.createObjectNode();
    patch
        .putObject("metadata")
        .putObject("annotations")
        .put(CATALOG_RESOURCE_VERSION, SyncRules.resourceVersion(c));
    kube.mergePatch(key, patch);
  }

  private void createCustomResource(ObjectKey key, ObjectNode c) {
    ObjectNode obj = Json.MAPPER.createObjectNode();
    obj.put("apiVersion", ServiceCatalog.API_VERSION).put("kind", key.kind().kind());
    ObjectNode meta = obj.putObject("metadata");
    meta.put("name", key.name());
    if (key.namespace() != null) {
      meta.put("namespace", key.namespace());
    }
    JsonNode labels = c.path("metadata").path("labels");
    if (labels.isObject() && labels.size() > 0) {
      meta.set("labels", labels.deepCopy());
    }
    meta.putObject("annotations")
        .put(CATALOG_UID, SyncRules.uid(c))
        .put(SYNCED_SPEC_HASH, CanonicalJson.hash(c.get("spec")));
    meta.putArray("finalizers").add(SyncRules.FINALIZER);
    obj.set("spec", c.has("spec") ? c.get("spec").deepCopy() : Json.MAPPER.createObjectNode());
    kube.create(key, obj);
    LOG.infof("%s: created as a custom resource from the catalog", key);
  }

  private static JsonNode withoutStatus(ObjectNode o) {
    ObjectNode copy = o.deepCopy();
    copy.remove("status");
    ((ObjectNode) copy.get("metadata"))
        .remove(java.util.List.of("resourceVersion", "managedFields"));
    return copy;
  }
}
