package io.servicecatalog.syncer.reconcile;

import io.servicecatalog.model.v1beta1.ResourceKind;

/**
 * What the work queue holds: one object of one kind, by namespace and name — the identity both
 * sides share (catalog-api's objects and the custom resources have different uids).
 *
 * @param namespace null for cluster-scoped kinds
 */
public record ObjectKey(ResourceKind kind, String namespace, String name) {

  public static ObjectKey of(ResourceKind kind, String namespace, String name) {
    return new ObjectKey(kind, kind.namespaced() ? namespace : null, name);
  }

  @Override
  public String toString() {
    return kind.kind() + " " + (namespace == null ? name : namespace + "/" + name);
  }
}
