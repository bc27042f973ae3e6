package io.servicecatalog.syncer.reconcile;

import static io.servicecatalog.syncer.reconcile.SyncAnnotations.CATALOG_RESOURCE_VERSION;
import static io.servicecatalog.syncer.reconcile.SyncAnnotations.CATALOG_UID;
import static io.servicecatalog.syncer.reconcile.SyncAnnotations.REJECTED_SPEC_HASH;
import static io.servicecatalog.syncer.reconcile.SyncAnnotations.SYNCED_SPEC_HASH;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.ServiceCatalog;
import java.util.Objects;

/**
 * The sync rules as one pure function: given the custom resource (CR, from Kubernetes) and the
 * catalog object (C, from catalog-api) with the same kind, namespace and name, which single step
 * brings them closer. The reconciler executes that step, reads both sides again and asks again,
 * until the answer is {@link Step#IN_SYNC} or {@link Step#WAIT}. Every step is one write, and each
 * is safe to repeat (a crash between two steps resumes with the next one).
 *
 * <p>Who decides what:
 *
 * <ul>
 *   <li><b>Existence</b>: a CR without a C is created in catalog-api (a user's {@code kubectl
 *       create}); a C without a CR is created as a CR (classes and plans from broker catalogs,
 *       objects created over REST). A CR that was synced with a C that is now gone is deleted; so
 *       is a CR whose C is being deleted (a REST delete).
 *   <li><b>Deletion</b>: every CR carries the catalog finalizer. A deleting CR has its C deleted,
 *       then waits until C has disappeared (deprovision/unbind done) before the finalizer is
 *       released and Kubernetes removes the CR.
 *   <li><b>Spec</b>: a CR spec whose hash differs from the last agreed one was changed by a user
 *       and goes to catalog-api; otherwise catalog-api's spec (defaults, resolved references,
 *       userInfo) is mirrored onto the CR.
 *   <li><b>Status</b>: always catalog-api's, written through the status subresource.
 * </ul>
 */
public final class SyncRules {
  private SyncRules() {}

  public static final String FINALIZER = ServiceCatalog.FINALIZER;

  public enum Step {
    /** Both sides agree; nothing to write. */
    IN_SYNC,
    /** The other side is busy (a deprovision, a deletion); look again later. */
    WAIT,
    ADD_FINALIZER,
    /** POST the CR to catalog-api. */
    CREATE_IN_CATALOG,
    /** PUT the CR's spec (a user's change) onto C. */
    FORWARD_SPEC,
    /** Write C's status, spec, labels and resourceVersion onto the CR. */
    MIRROR_FROM_CATALOG,
    /** Same, for a CR not yet known to be synced with this C (after a crash, or a REST object). */
    ADOPT,
    /** Create the CR from C. */
    CREATE_CUSTOM_RESOURCE,
    /** DELETE C (the CR is being deleted). */
    DELETE_IN_CATALOG,
    /** Mirror C's status onto a CR that waits for C to go (shows the deprovision's progress). */
    MIRROR_STATUS_WHILE_DELETING,
    /** C is gone: remove the finalizer, Kubernetes then removes the CR. */
    RELEASE_FINALIZER,
    /** C is gone or going: delete the CR (it keeps its finalizer until C has disappeared). */
    DELETE_CUSTOM_RESOURCE
  }

  public static Step decide(JsonNode cr, JsonNode c) {
    if (cr == null) {
      return c == null || deleting(c) ? Step.IN_SYNC : Step.CREATE_CUSTOM_RESOURCE;
    }
    String syncedUid = SyncAnnotations.get(cr, CATALOG_UID);
    boolean sameObject = c != null && (syncedUid == null || syncedUid.equals(uid(c)));

    if (deleting(cr)) {
      if (!hasFinalizer(cr)) {
        return Step.IN_SYNC; // not ours to hold any more
      }
      if (!sameObject) {
        return Step.RELEASE_FINALIZER;
      }
      if (!deleting(c)) {
        return Step.DELETE_IN_CATALOG;
      }
      if (!Objects.equals(SyncAnnotations.get(cr, CATALOG_RESOURCE_VERSION), resourceVersion(c))
          && !CanonicalJson.same(cr.get("status"), c.get("status"))) {
        return Step.MIRROR_STATUS_WHILE_DELETING;
      }
      return Step.WAIT;
    }

    if (c == null) {
      if (syncedUid != null) {
        return Step.DELETE_CUSTOM_RESOURCE;
      }
      if (CanonicalJson.hash(cr.get("spec")).equals(SyncAnnotations.get(cr, REJECTED_SPEC_HASH))) {
        return Step.IN_SYNC; // refused as it is; a change of spec tries again
      }
      return hasFinalizer(cr) ? Step.CREATE_IN_CATALOG : Step.ADD_FINALIZER;
    }

    if (deleting(c)) {
      // Our C is being deleted over REST: so is the CR. Another C of the same name on its way
      // out: wait until it is gone, then this CR is created anew.
      return syncedUid != null && syncedUid.equals(uid(c))
          ? Step.DELETE_CUSTOM_RESOURCE
          : Step.WAIT;
    }
    if (!hasFinalizer(cr)) {
      return Step.ADD_FINALIZER;
    }
    if (!sameObject || syncedUid == null) {
      return Step.ADOPT;
    }
    if (userChangedSpec(cr)) {
      return Step.FORWARD_SPEC;
    }
    if (!Objects.equals(SyncAnnotations.get(cr, CATALOG_RESOURCE_VERSION), resourceVersion(c))) {
      return Step.MIRROR_FROM_CATALOG;
    }
    return Step.IN_SYNC;
  }

  /** The CR's spec is not the one both sides last agreed on. */
  public static boolean userChangedSpec(JsonNode cr) {
    String synced = SyncAnnotations.get(cr, SYNCED_SPEC_HASH);
    return synced != null && !synced.equals(CanonicalJson.hash(cr.get("spec")));
  }

  public static boolean deleting(JsonNode o) {
    JsonNode ts = o.path("metadata").get("deletionTimestamp");
    return ts != null && !ts.isNull() && !ts.asText().isEmpty();
  }

  public static boolean hasFinalizer(JsonNode o) {
    for (JsonNode f : o.path("metadata").path("finalizers")) {
      if (FINALIZER.equals(f.asText())) {
        return true;
      }
    }
    return false;
  }

  public static String uid(JsonNode o) {
    return o.path("metadata").path("uid").asText(null);
  }

  public static String resourceVersion(JsonNode o) {
    return o.path("metadata").path("resourceVersion").asText(null);
  }
}
