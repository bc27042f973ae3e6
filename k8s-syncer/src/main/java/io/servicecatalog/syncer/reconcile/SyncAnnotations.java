package io.servicecatalog.syncer.reconcile;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the syncer remembers on each custom resource, so that its own writes never come back as
 * changes and a restart resumes where it was:
 *
 * <ul>
 *   <li>{@link #CATALOG_UID}: the uid of the catalog-api object this custom resource is synced with
 *       (the two sides have different uids; they are matched by namespace and name, and this tells
 *       "the object I synced with is gone" from "an object that never existed").
 *   <li>{@link #CATALOG_RESOURCE_VERSION}: the catalog object's resourceVersion last mirrored onto
 *       this custom resource; equal means nothing new to mirror.
 *   <li>{@link #SYNCED_SPEC_HASH}: hash of the spec both sides last agreed on; a different hash of
 *       the current spec means a user changed it, and the change goes to catalog-api.
 *   <li>{@link #REJECTED_SPEC_HASH}: hash of a spec catalog-api refused to create; not sent again
 *       until the spec changes.
 * </ul>
 */
public final class SyncAnnotations {
  private SyncAnnotations() {}

  public static final String PREFIX = "servicecatalog.k8s.io/";
  public static final String CATALOG_UID = PREFIX + "catalog-uid";
  public static final String CATALOG_RESOURCE_VERSION = PREFIX + "catalog-resource-version";
  public static final String SYNCED_SPEC_HASH = PREFIX + "synced-spec-hash";
  public static final String REJECTED_SPEC_HASH = PREFIX + "rejected-spec-hash";

  public static String get(JsonNode object, String annotation) {
    JsonNode v =
        object == null ? null : object.path("metadata").path("annotations").get(annotation);
    return v == null || v.isNull() ? null : v.asText();
  }
}
