package io.servicecatalog.syncer.reconcile;

import static io.servicecatalog.syncer.reconcile.SyncRules.Step.ADD_FINALIZER;
import static io.servicecatalog.syncer.reconcile.SyncRules.Step.ADOPT;
import static io.servicecatalog.syncer.reconcile.SyncRules.Step.CREATE_CUSTOM_RESOURCE;
import static io.servicecatalog.syncer.reconcile.SyncRules.Step.CREATE_IN_CATALOG;
import static io.servicecatalog.syncer.reconcile.SyncRules.Step.DELETE_CUSTOM_RESOURCE;
import static io.servicecatalog.syncer.reconcile.SyncRules.Step.DELETE_IN_CATALOG;
import static io.servicecatalog.syncer.reconcile.SyncRules.Step.FORWARD_SPEC;
import static io.servicecatalog.syncer.reconcile.SyncRules.Step.IN_SYNC;
import static io.servicecatalog.syncer.reconcile.SyncRules.Step.MIRROR_FROM_CATALOG;
import static io.servicecatalog.syncer.reconcile.SyncRules.Step.MIRROR_STATUS_WHILE_DELETING;
import static io.servicecatalog.syncer.reconcile.SyncRules.Step.RELEASE_FINALIZER;
import static io.servicecatalog.syncer.reconcile.SyncRules.Step.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import org.junit.jupiter.api.Test;

/** The decision table, one behaviour per test, on hand-made JSON for both sides. */
class SyncRulesTest {

  static ObjectNode catalogObject(String uid, String rv) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.putObject("metadata")
        .put("name", "i")
        .put("namespace", "ns")
        .put("uid", uid)
        .put("resourceVersion", rv);
    c.putObject("spec").put("clusterServicePlanExternalName", "small").put("externalID", "ext-1");
    c.putObject("status").put("provisionStatus", "Provisioned");
    return c;
  }

  /** A custom resource synced with {@code c}: finalizer, annotations, same spec. */
  static ObjectNode syncedWith(ObjectNode c) {
    ObjectNode cr = Json.MAPPER.createObjectNode();
    ObjectNode meta =
        cr.putObject("metadata").put("name", "i").put("namespace", "ns").put("uid", "cr-uid");
    meta.putArray("finalizers").add(SyncRules.FINALIZER);
    meta.putObject("annotations")
        .put(SyncAnnotations.CATALOG_UID, SyncRules.uid(c))
        .put(SyncAnnotations.CATALOG_RESOURCE_VERSION, SyncRules.resourceVersion(c))
        .put(SyncAnnotations.SYNCED_SPEC_HASH, CanonicalJson.hash(c.get("spec")));
    cr.set("spec", c.get("spec").deepCopy());
    cr.set("status", c.get("status").deepCopy());
    return cr;
  }

  static ObjectNode userCreated() {
    ObjectNode cr = Json.MAPPER.createObjectNode();
    cr.putObject("metadata").put("name", "i").put("namespace", "ns").put("uid", "cr-uid");
    cr.putObject("spec").put("clusterServicePlanExternalName", "small");
    return cr;
  }

  static ObjectNode deleting(ObjectNode o) {
    ((ObjectNode) o.get("metadata")).put("deletionTimestamp", "2024-01-01T00:00:00Z");
    return o;
  }

  @Test
  void nothingOnEitherSideIsInSync() {
    assertEquals(IN_SYNC, SyncRules.decide(null, null));
  }

  @Test
  void aNewCustomResourceGetsTheFinalizerBeforeItGoesToTheCatalog() {
    ObjectNode cr = userCreated();
    assertEquals(ADD_FINALIZER, SyncRules.decide(cr, null));
    ((ObjectNode) cr.get("metadata")).putArray("finalizers").add(SyncRules.FINALIZER);
    assertEquals(CREATE_IN_CATALOG, SyncRules.decide(cr, null));
  }

  @Test
  void aSpecTheCatalogRefusedIsNotSentAgainUntilItChanges() {
    ObjectNode cr = userCreated();
    ((ObjectNode) cr.get("metadata")).putArray("finalizers").add(SyncRules.FINALIZER);
    ((ObjectNode) cr.get("metadata"))
        .putObject("annotations")
        .put(SyncAnnotations.REJECTED_SPEC_HASH, CanonicalJson.hash(cr.get("spec")));
    assertEquals(IN_SYNC, SyncRules.decide(cr, null));
    ((ObjectNode) cr.get("spec")).put("clusterServicePlanExternalName", "large");
    assertEquals(CREATE_IN_CATALOG, SyncRules.decide(cr, null));
  }

  @Test
  void aCatalogObjectWithoutCustomResourceIsCreatedAsOne() {
    assertEquals(CREATE_CUSTOM_RESOURCE, SyncRules.decide(null, catalogObject("c1", "5")));
  }

  @Test
  void aCatalogObjectOnItsWayOutIsNotCreatedAsCustomResource() {
    assertEquals(IN_SYNC, SyncRules.decide(null, deleting(catalogObject("c1", "5"))));
  }

  @Test
  void bothSidesEqualIsInSync() {
    ObjectNode c = catalogObject("c1", "5");
    assertEquals(IN_SYNC, SyncRules.decide(syncedWith(c), c));
  }

  @Test
  void aNewerCatalogVersionIsMirrored() {
    ObjectNode c = catalogObject("c1", "5");
    ObjectNode cr = syncedWith(c);
    ObjectNode newer = catalogObject("c1", "6");
    ((ObjectNode) newer.get("status")).put("provisionStatus", "NotProvisioned");
    assertEquals(MIRROR_FROM_CATALOG, SyncRules.decide(cr, newer));
  }

  @Test
  void theSyncersOwnMirrorDoesNotLookLikeAUserChange() {
    // after a mirror: the CR's spec is the catalog's, with the annotations written in the same
    // update
    ObjectNode c = catalogObject("c1", "6");
    ((ObjectNode) c.get("spec")).putObject("clusterServicePlanRef").put("name", "plan-1");
    assertEquals(IN_SYNC, SyncRules.decide(syncedWith(c), c));
  }

  @Test
  void aUserChangeOfTheSpecIsForwardedEvenWhenTheCatalogChangedToo() {
    ObjectNode c = catalogObject("c1", "5");
    ObjectNode cr = syncedWith(c);
    ((ObjectNode) cr.get("spec")).putObject("parameters").put("size", 2);
    assertEquals(FORWARD_SPEC, SyncRules.decide(cr, c));
    assertEquals(FORWARD_SPEC, SyncRules.decide(cr, catalogObject("c1", "9")));
  }

  @Test
  void anUnannotatedCustomResourceMeetingACatalogObjectAdoptsIt() {
    ObjectNode cr = userCreated();
    ((ObjectNode) cr.get("metadata")).putArray("finalizers").add(SyncRules.FINALIZER);
    assertEquals(ADOPT, SyncRules.decide(cr, catalogObject("c1", "5")));
  }

  @Test
  void aCatalogObjectRecreatedUnderTheSameNameIsAdopted() {
    ObjectNode cr = syncedWith(catalogObject("c1", "5"));
    assertEquals(ADOPT, SyncRules.decide(cr, catalogObject("c2", "9")));
  }

  @Test
  void aSyncedCustomResourceWhoseCatalogObjectIsGoneIsDeleted() {
    assertEquals(
        DELETE_CUSTOM_RESOURCE, SyncRules.decide(syncedWith(catalogObject("c1", "5")), null));
  }

  @Test
  void aCatalogObjectDeletedOverRestTakesItsCustomResourceAlong() {
    ObjectNode c = catalogObject("c1", "5");
    ObjectNode cr = syncedWith(c);
    assertEquals(DELETE_CUSTOM_RESOURCE, SyncRules.decide(cr, deleting(catalogObject("c1", "6"))));
  }

  @Test
  void aNewCustomResourceWaitsForAnOldCatalogObjectOfTheSameNameToGo() {
    ObjectNode cr = userCreated();
    ((ObjectNode) cr.get("metadata")).putArray("finalizers").add(SyncRules.FINALIZER);
    assertEquals(WAIT, SyncRules.decide(cr, deleting(catalogObject("c1", "6"))));
  }

  @Test
  void kubectlDeleteDeletesInTheCatalogThenWaitsThenReleases() {
    ObjectNode c = catalogObject("c1", "5");
    ObjectNode cr = deleting(syncedWith(c));
    assertEquals(DELETE_IN_CATALOG, SyncRules.decide(cr, c));
    ObjectNode beingDeleted = deleting(catalogObject("c1", "5"));
    assertEquals(WAIT, SyncRules.decide(cr, beingDeleted));
    ObjectNode progress = deleting(catalogObject("c1", "7"));
    ((ObjectNode) progress.get("status")).put("currentOperation", "Deprovision");
    assertEquals(MIRROR_STATUS_WHILE_DELETING, SyncRules.decide(cr, progress));
    assertEquals(RELEASE_FINALIZER, SyncRules.decide(cr, null));
  }

  @Test
  void deletingACustomResourceNeverDeletesAnotherCatalogObjectOfTheSameName() {
    ObjectNode cr = deleting(syncedWith(catalogObject("c1", "5")));
    assertEquals(RELEASE_FINALIZER, SyncRules.decide(cr, catalogObject("c2", "8")));
  }

  @Test
  void aDeletingCustomResourceWithoutOurFinalizerIsLeftAlone() {
    ObjectNode cr = deleting(userCreated());
    assertEquals(IN_SYNC, SyncRules.decide(cr, catalogObject("c1", "5")));
  }

  @Test
  void aSyncedCustomResourceThatLostItsFinalizerGetsItBack() {
    ObjectNode c = catalogObject("c1", "5");
    ObjectNode cr = syncedWith(c);
    ((ObjectNode) cr.get("metadata")).remove("finalizers");
    assertEquals(ADD_FINALIZER, SyncRules.decide(cr, c));
  }
}
