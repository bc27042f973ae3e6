package io.servicecatalog.syncer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.syncer.kube.CustomResources;
import io.servicecatalog.syncer.reconcile.CanonicalJson;
import io.servicecatalog.syncer.reconcile.ObjectKey;
import io.servicecatalog.syncer.reconcile.SyncAnnotations;
import io.servicecatalog.syncer.reconcile.SyncController;
import io.servicecatalog.syncer.support.ApplyCrds;
import io.servicecatalog.syncer.support.FakeCatalogApi;
import io.servicecatalog.syncer.support.FakeCatalogApiResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The syncer in its application against the Fabric8 mock API server in CRUD mode (the CRDs of
 * {@code k8s/crds/} installed) and a fake catalog-api speaking the REST contract: the sync rules
 * end to end, loop avoidance, conflict retry, finalizer release, Secret ownership, resync after a
 * restart, and the admission webhook.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = ApplyCrds.class)
@WithTestResource(FakeCatalogApiResource.class)
class CustomResourceSyncTest {
  static final String NS = "apps";
  static final AtomicInteger SEQ = new AtomicInteger();

  @Inject KubernetesClient kube;
  @Inject CustomResources resources;
  @Inject SyncController controller;

  FakeCatalogApi fake;

  @BeforeEach
  void fake() {
    fake = FakeCatalogApiResource.fake();
  }

  static String unique(String prefix) {
    return prefix
        + "-"
        + SEQ.incrementAndGet()
        + "-"
        + UUID.randomUUID().toString().substring(0, 6);
  }

  static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100));
  }

  // ------------------------------------------------------------------ Kubernetes → catalog

  @Test
  void aCustomResourceIsCreatedInTheCatalogWithItsUsersIdentityAndMirroredBack() {
    String name = unique("inst");
    ObjectNode cr = createInstance(name, "alice");

    ObjectNode c =
        eventually().until(() -> fake.get(ResourceKind.SERVICE_INSTANCE, NS, name), o -> o != null);
    FakeCatalogApi.Request post =
        fake.requests("POST", "/serviceinstances").stream()
            .filter(r -> r.body().contains("\"" + name + "\""))
            .findFirst()
            .orElseThrow();
    assertEquals("alice", post.header("X-Remote-User"));
    assertEquals(List.of("devs", "system:authenticated"), post.headers("X-Remote-Group"));
    assertEquals("u-alice", post.header("X-Remote-Uid"));
    assertEquals(
        uidOf(cr),
        Json.MAPPER
            .valueToTree(readBody(post))
            .path("metadata")
            .path("annotations")
            .path("servicecatalog.k8s.io/custom-resource-uid")
            .asText());
    assertEquals("alice", c.path("spec").path("userInfo").path("username").asText());

    JsonNode synced = awaitSynced(ResourceKind.SERVICE_INSTANCE, NS, name);
    assertTrue(
        synced.path("metadata").path("finalizers").toString().contains(ServiceCatalog.FINALIZER));
    assertEquals(
        c.path("spec").path("externalID").asText(),
        synced.path("spec").path("externalID").asText(),
        "the catalog's default came back");
    assertEquals(
        "Waiting", synced.path("status").path("lastConditionState").asText(), "status mirrored");
  }

  @Test
  void catalogStatusChangesReachTheCustomResource() {
    String name = readyInstance();
    eventually()
        .untilAsserted(
            () -> {
              JsonNode cr = get(ResourceKind.SERVICE_INSTANCE, NS, name);
              assertEquals("Ready", cr.path("status").path("lastConditionState").asText());
              assertEquals("Provisioned", cr.path("status").path("provisionStatus").asText());
            });
  }

  @Test
  void aUsersSpecChangeGoesToTheCatalogWithTheChangingUser() {
    String name = unique("inst");
    createInstance(name, "alice");
    awaitSynced(ResourceKind.SERVICE_INSTANCE, NS, name);

    edit(
        ResourceKind.SERVICE_INSTANCE,
        NS,
        name,
        o -> {
          ((ObjectNode) o.get("spec")).putObject("parameters").put("size", 2);
          ((ObjectNode) o.get("spec"))
              .putObject("userInfo")
              .put("username", "bob"); // as the webhook stamps it
        });
    ObjectNode c =
        eventually()
            .until(
                () -> fake.get(ResourceKind.SERVICE_INSTANCE, NS, name),
                o -> o.path("spec").path("parameters").path("size").asInt() == 2);
    assertEquals(2, c.path("metadata").path("generation").asInt());
    FakeCatalogApi.Request put = fake.requests("PUT", "/serviceinstances/" + name).get(0);
    assertEquals("bob", put.header("X-Remote-User"));
    eventually()
        .untilAsserted(
            () -> {
              JsonNode cr = get(ResourceKind.SERVICE_INSTANCE, NS, name);
              assertEquals(
                  CanonicalJson.hash(cr.get("spec")),
                  SyncAnnotations.get(cr, SyncAnnotations.SYNCED_SPEC_HASH));
              assertEquals(
                  SyncAnnotations.get(cr, SyncAnnotations.CATALOG_RESOURCE_VERSION),
                  fake.get(ResourceKind.SERVICE_INSTANCE, NS, name)
                      .path("metadata")
                      .path("resourceVersion")
                      .asText());
            });
  }

  @Test
  void theSyncersOwnWritesDoNotComeBackAsChanges() throws Exception {
    String name = readyInstance();
    Thread.sleep(500);
    String crVersion =
        get(ResourceKind.SERVICE_INSTANCE, NS, name)
            .path("metadata")
            .path("resourceVersion")
            .asText();
    String catalogVersion =
        fake.get(ResourceKind.SERVICE_INSTANCE, NS, name)
            .path("metadata")
            .path("resourceVersion")
            .asText();
    int writes = catalogWrites(name);

    controller.resyncAll(); // every key once more through the reconciler
    Thread.sleep(2000); // ten poll intervals of the test profile

    assertEquals(
        crVersion,
        get(ResourceKind.SERVICE_INSTANCE, NS, name)
            .path("metadata")
            .path("resourceVersion")
            .asText(),
        "the custom resource was not written again");
    assertEquals(
        catalogVersion,
        fake.get(ResourceKind.SERVICE_INSTANCE, NS, name)
            .path("metadata")
            .path("resourceVersion")
            .asText());
    assertEquals(writes, catalogWrites(name), "no POST/PUT/DELETE to catalog-api");
  }

  /**
   * Events that change nothing (the echo of the syncer's own writes, a repeated key) are settled
   * from the caches: no GET to catalog-api. The periodic resync still reads both sides fresh.
   */
  @Test
  void aKeyWithNothingToDoCostsNoRequestButTheResyncReadsFresh() throws Exception {
    String name = readyInstance();
    Thread.sleep(500); // the echo of the mirror write has come and gone
    int gets = fake.requests("GET", "/serviceinstances/" + name).size();
    int writes = catalogWrites(name);
    ObjectKey key = ObjectKey.of(ResourceKind.SERVICE_INSTANCE, NS, name);
    for (int i = 0; i < 5; i++) {
      controller.queue().add(key);
      Thread.sleep(100);
    }
    Thread.sleep(500);
    assertEquals(gets, fake.requests("GET", "/serviceinstances/" + name).size(), "no GET for an in-sync key");

    controller.resyncAll();
    eventually().until(() -> fake.requests("GET", "/serviceinstances/" + name).size() > gets);
    assertEquals(writes, catalogWrites(name), "no write either way");

    // a real change still goes through: the catalog's status reaches the custom resource
    fake.serverUpdate(ResourceKind.SERVICE_INSTANCE, NS, name, o -> ready(o, "UpdatedSuccessfully"));
    eventually()
        .until(
            () -> get(ResourceKind.SERVICE_INSTANCE, NS, name).path("status").path("conditions").toString(),
            c -> c.contains("UpdatedSuccessfully"));
  }

  @Test
  void aConflictFromTheCatalogIsRetriedOnFreshState() {
    String name = unique("inst");
    createInstance(name, "alice");
    awaitSynced(ResourceKind.SERVICE_INSTANCE, NS, name);
    fake.conflictOnNextPut();
    edit(
        ResourceKind.SERVICE_INSTANCE,
        NS,
        name,
        o -> ((ObjectNode) o.get("spec")).putObject("parameters").put("charset", "utf8mb4"));
    eventually()
        .until(
            () -> fake.get(ResourceKind.SERVICE_INSTANCE, NS, name),
            o -> "utf8mb4".equals(o.path("spec").path("parameters").path("charset").asText()));
    List<FakeCatalogApi.Request> puts = fake.requests("PUT", "/serviceinstances/" + name);
    assertEquals(409, puts.get(0).status());
    assertEquals(200, puts.get(puts.size() - 1).status());
  }

  @Test
  void aRefusedCreateIsReportedOnTheCustomResourceAndRetriedOnlyAfterTheSpecChanges()
      throws Exception {
    String name = unique("inst");
    fake.rejectNext(
        "POST",
        422,
        "Invalid",
        "ServiceInstance \""
            + name
            + "\" is invalid: spec.clusterServicePlanExternalName: Required value");
    createInstance(name, "alice");
    eventually()
        .untilAsserted(
            () -> {
              JsonNode cr = get(ResourceKind.SERVICE_INSTANCE, NS, name);
              assertEquals("Failed", cr.path("status").path("lastConditionState").asText());
              assertTrue(
                  cr.path("status").toString().contains("spec.clusterServicePlanExternalName"));
            });
    assertTrue(warnings(name).stream().anyMatch(e -> e.getReason().equals("CatalogRejected")));
    Thread.sleep(1000);
    assertEquals(1, postsOf(name), "the same spec is not sent again");

    edit(
        ResourceKind.SERVICE_INSTANCE,
        NS,
        name,
        o -> ((ObjectNode) o.get("spec")).put("clusterServicePlanExternalName", "large"));
    eventually().until(() -> fake.get(ResourceKind.SERVICE_INSTANCE, NS, name), o -> o != null);
    eventually()
        .untilAsserted(
            () ->
                assertEquals(
                    "Waiting",
                    get(ResourceKind.SERVICE_INSTANCE, NS, name)
                        .path("status")
                        .path("lastConditionState")
                        .asText()));
  }

  @Test
  void aRefusedChangeIsSetBackWithAWarningEvent() {
    String name = unique("bnd");
    createBinding(name, "inst-x", "alice");
    awaitSynced(ResourceKind.SERVICE_BINDING, NS, name);
    fake.rejectNext("PUT", 422, "Invalid", "spec: Forbidden: a binding's spec cannot change");
    edit(
        ResourceKind.SERVICE_BINDING,
        NS,
        name,
        o -> ((ObjectNode) o.get("spec")).put("secretName", "other"));
    eventually()
        .untilAsserted(
            () -> {
              assertTrue(
                  warnings(name).stream()
                      .anyMatch(e -> e.getReason().equals("CatalogRejectedChange")));
              assertEquals(
                  name + "-secret",
                  get(ResourceKind.SERVICE_BINDING, NS, name)
                      .path("spec")
                      .path("secretName")
                      .asText());
            });
    assertEquals(
        name + "-secret",
        fake.get(ResourceKind.SERVICE_BINDING, NS, name).path("spec").path("secretName").asText());
  }

  // ------------------------------------------------------------------ catalog → Kubernetes

  @Test
  void classesAndPlansFromABrokerCatalogAppearAsCustomResourcesAndGoWithTheBroker() {
    String cls = unique("class");
    String plan = unique("plan");
    fake.serverPut(
        ResourceKind.CLUSTER_SERVICE_CLASS,
        object(
            cls,
            null,
            "{\"externalName\":\"mariadb\",\"externalID\":\""
                + cls
                + "-id\",\"clusterServiceBrokerName\":\"b\","
                + "\"externalMetadata\":{\"displayName\":\"MariaDB\",\"nested\":{\"x\":[1,2]}}}",
            "{\"removedFromBrokerCatalog\":false}"));
    fake.serverPut(
        ResourceKind.CLUSTER_SERVICE_PLAN,
        object(
            plan,
            null,
            "{\"externalName\":\"small\",\"externalID\":\""
                + plan
                + "-id\",\"free\":true,"
                + "\"clusterServiceClassRef\":{\"name\":\""
                + cls
                + "\"},\"clusterServiceBrokerName\":\"b\"}",
            "{\"removedFromBrokerCatalog\":false}"));

    JsonNode c = awaitSynced(ResourceKind.CLUSTER_SERVICE_CLASS, null, cls);
    assertEquals("MariaDB", c.path("spec").path("externalMetadata").path("displayName").asText());
    assertEquals(
        2, c.path("spec").path("externalMetadata").path("nested").path("x").get(1).asInt());
    assertEquals(false, c.path("status").path("removedFromBrokerCatalog").asBoolean(true));
    JsonNode p = awaitSynced(ResourceKind.CLUSTER_SERVICE_PLAN, null, plan);
    assertEquals(cls, p.path("spec").path("clusterServiceClassRef").path("name").asText());
    assertTrue(
        fake.requests("POST", "/clusterserviceclasses").isEmpty(),
        "nothing sent back to the catalog");

    fake.remove(ResourceKind.CLUSTER_SERVICE_PLAN, null, plan);
    fake.remove(ResourceKind.CLUSTER_SERVICE_CLASS, null, cls);
    eventually()
        .untilAsserted(
            () -> {
              assertNull(
                  resources.get(ObjectKey.of(ResourceKind.CLUSTER_SERVICE_CLASS, null, cls)));
              assertNull(
                  resources.get(ObjectKey.of(ResourceKind.CLUSTER_SERVICE_PLAN, null, plan)));
            });
  }

  @Test
  void anObjectCreatedOverRestAppearsAndARestDeleteTakesItsCustomResourceAlong() {
    String name = unique("inst");
    fake.serverPut(
        ResourceKind.SERVICE_INSTANCE,
        withFinalizer(
            object(
                name,
                NS,
                "{\"clusterServiceClassExternalName\":\"mariadb\",\"clusterServicePlanExternalName\":\"small\",\"externalID\":\"x-1\"}",
                "{\"lastConditionState\":\"Ready\"}")));
    awaitSynced(ResourceKind.SERVICE_INSTANCE, NS, name);

    fake.serverUpdate(
        ResourceKind.SERVICE_INSTANCE,
        NS,
        name,
        o ->
            ((ObjectNode) o.get("metadata"))
                .put("deletionTimestamp", io.servicecatalog.model.Times.now()));
    eventually()
        .until(
            () -> get(ResourceKind.SERVICE_INSTANCE, NS, name),
            cr -> cr != null && cr.path("metadata").hasNonNull("deletionTimestamp"));
    assertNotNull(
        get(ResourceKind.SERVICE_INSTANCE, NS, name),
        "held by the finalizer while the catalog deprovisions");
    fake.remove(ResourceKind.SERVICE_INSTANCE, NS, name);
    eventually().until(() -> get(ResourceKind.SERVICE_INSTANCE, NS, name) == null);
  }

  @Test
  void anUnannotatedCustomResourceAdoptsTheCatalogObjectOfItsNameInsteadOfCreatingASecond() {
    String name = unique("inst");
    ObjectNode c =
        fake.serverPut(
            ResourceKind.SERVICE_INSTANCE,
            withFinalizer(
                object(
                    name,
                    NS,
                    "{\"clusterServiceClassExternalName\":\"mariadb\",\"clusterServicePlanExternalName\":\"small\",\"externalID\":\"adopt-1\"}",
                    "{\"lastConditionState\":\"Ready\"}")));
    // As after a crash between the POST and recording it: the CR exists, unannotated.
    createInstance(name, "alice");
    JsonNode cr = awaitSynced(ResourceKind.SERVICE_INSTANCE, NS, name);
    assertEquals(uidOf(c), SyncAnnotations.get(cr, SyncAnnotations.CATALOG_UID));
    assertEquals("adopt-1", cr.path("spec").path("externalID").asText());
    assertEquals(0, postsOf(name));
  }

  // ------------------------------------------------------------------ deletion

  @Test
  void kubectlDeleteWaitsUntilTheCatalogObjectIsGoneThenReleasesTheFinalizer() {
    String name = unique("inst");
    createInstance(name, "alice");
    awaitSynced(ResourceKind.SERVICE_INSTANCE, NS, name);

    resources.delete(ObjectKey.of(ResourceKind.SERVICE_INSTANCE, NS, name));
    eventually()
        .until(
            () -> fake.get(ResourceKind.SERVICE_INSTANCE, NS, name),
            o -> o.path("metadata").hasNonNull("deletionTimestamp"));
    JsonNode deleting = get(ResourceKind.SERVICE_INSTANCE, NS, name);
    assertNotNull(deleting, "the finalizer holds the custom resource");
    assertTrue(deleting.path("metadata").hasNonNull("deletionTimestamp"));

    fake.serverUpdate(
        ResourceKind.SERVICE_INSTANCE,
        NS,
        name,
        o -> {
          ObjectNode st = (ObjectNode) o.get("status");
          st.put("currentOperation", "Deprovision").put("lastConditionState", "Deprovisioning");
        });
    eventually()
        .untilAsserted(
            () ->
                assertEquals(
                    "Deprovisioning",
                    get(ResourceKind.SERVICE_INSTANCE, NS, name)
                        .path("status")
                        .path("lastConditionState")
                        .asText()));

    fake.remove(ResourceKind.SERVICE_INSTANCE, NS, name); // deprovisioned: the catalog lets go
    eventually().until(() -> get(ResourceKind.SERVICE_INSTANCE, NS, name) == null);
  }

  @Test
  void aCustomResourceDeletedBeforeItReachedTheCatalogIsReleasedAtOnce() {
    String name = unique("inst");
    fake.rejectNext("POST", 403, "Forbidden", "namespaced kinds are not served yet");
    createInstance(name, "alice");
    eventually()
        .until(
            () ->
                get(ResourceKind.SERVICE_INSTANCE, NS, name)
                    .path("status")
                    .path("lastConditionState")
                    .asText(),
            "Failed"::equals);
    resources.delete(ObjectKey.of(ResourceKind.SERVICE_INSTANCE, NS, name));
    eventually().until(() -> get(ResourceKind.SERVICE_INSTANCE, NS, name) == null);
    assertTrue(fake.requests("DELETE", "/serviceinstances/" + name).isEmpty());
  }

  // ------------------------------------------------------------------ Secret ownership

  @Test
  void theBindingsSecretBecomesOwnedByTheServiceBinding() {
    String name = unique("bnd");
    createBinding(name, "inst-y", "alice");
    JsonNode cr = awaitSynced(ResourceKind.SERVICE_BINDING, NS, name);
    String catalogUid = SyncAnnotations.get(cr, SyncAnnotations.CATALOG_UID);
    kube.secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name + "-secret")
                .withNamespace(NS)
                .addToLabels("servicecatalog.k8s.io/binding-uid", catalogUid)
                .endMetadata()
                .addToData("password", "cHc=")
                .build())
        .create();
    kube.secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name + "-other")
                .withNamespace(NS)
                .addToLabels("servicecatalog.k8s.io/binding-uid", "someone-else")
                .endMetadata()
                .build())
        .create();
    // the injector wrote the Secret; the catalog marks the binding Ready
    fake.serverUpdate(ResourceKind.SERVICE_BINDING, NS, name, o -> ready(o, "InjectedBindResult"));

    eventually()
        .untilAsserted(
            () -> {
              Secret s = kube.secrets().inNamespace(NS).withName(name + "-secret").get();
              List<OwnerReference> refs = s.getMetadata().getOwnerReferences();
              assertEquals(1, refs.size(), String.valueOf(refs));
              OwnerReference r = refs.get(0);
              assertEquals("ServiceBinding", r.getKind());
              assertEquals(ServiceCatalog.API_VERSION, r.getApiVersion());
              assertEquals(name, r.getName());
              assertEquals(uidOf(cr), r.getUid());
              assertTrue(r.getController());
              assertTrue(r.getBlockOwnerDeletion());
              assertEquals("cHc=", s.getData().get("password"), "data untouched");
            });
    assertTrue(
        kube.secrets()
            .inNamespace(NS)
            .withName(name + "-other")
            .get()
            .getMetadata()
            .getOwnerReferences()
            .isEmpty());
  }

  // ------------------------------------------------------------------ restart

  @Test
  void whatChangedWhileTheSyncerWasDownConvergesAfterItsRestart() {
    String edited = unique("inst");
    String goneInCatalog = unique("inst");
    String deleted = unique("inst");
    String created = unique("inst");
    String fromCatalog = unique("class");
    for (String n : List.of(edited, goneInCatalog, deleted)) {
      createInstance(n, "alice");
      awaitSynced(ResourceKind.SERVICE_INSTANCE, NS, n);
    }

    controller.stop();
    try {
      edit(
          ResourceKind.SERVICE_INSTANCE,
          NS,
          edited,
          o -> ((ObjectNode) o.get("spec")).putObject("parameters").put("edited", "while-down"));
      fake.remove(ResourceKind.SERVICE_INSTANCE, NS, goneInCatalog);
      resources.delete(ObjectKey.of(ResourceKind.SERVICE_INSTANCE, NS, deleted));
      createInstance(created, "carol");
      fake.serverPut(
          ResourceKind.CLUSTER_SERVICE_CLASS,
          object(
              fromCatalog,
              null,
              "{\"externalName\":\"" + fromCatalog + "\",\"clusterServiceBrokerName\":\"b\"}",
              "{}"));
    } finally {
      controller.start();
    }

    eventually()
        .until(
            () -> fake.get(ResourceKind.SERVICE_INSTANCE, NS, edited),
            o -> "while-down".equals(o.path("spec").path("parameters").path("edited").asText()));
    eventually().until(() -> get(ResourceKind.SERVICE_INSTANCE, NS, goneInCatalog) == null);
    eventually()
        .until(
            () -> fake.get(ResourceKind.SERVICE_INSTANCE, NS, deleted),
            o -> o.path("metadata").hasNonNull("deletionTimestamp"));
    fake.remove(ResourceKind.SERVICE_INSTANCE, NS, deleted);
    eventually().until(() -> get(ResourceKind.SERVICE_INSTANCE, NS, deleted) == null);
    awaitSynced(ResourceKind.SERVICE_INSTANCE, NS, created);
    assertEquals(1, postsOf(created), "created once");
    awaitSynced(ResourceKind.CLUSTER_SERVICE_CLASS, null, fromCatalog);
  }

  // ------------------------------------------------------------------ admission webhook,
  // observability

  @Test
  void theAdmissionWebhookAnswersAnAdmissionReview() {
    given()
        .contentType("application/json")
        .body(
            """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
             "request":{"uid":"r-1","operation":"CREATE",
               "kind":{"group":"servicecatalog.k8s.io","version":"v1beta1","kind":"ServiceBinding"},
               "userInfo":{"username":"alice","groups":["devs"]},
               "object":{"kind":"ServiceBinding","metadata":{"name":"b"},"spec":{"instanceRef":{"name":"i"}}}}}\
            """)
        .post("/admission/mutate")
        .then()
        .statusCode(200)
        .body("kind", equalTo("AdmissionReview"))
        .body("response.uid", equalTo("r-1"))
        .body("response.allowed", equalTo(true))
        .body("response.patchType", equalTo("JSONPatch"));
  }

  @Test
  void healthMetricsAndOpenApiAreServed() {
    given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/live").then().statusCode(200);
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("servicecatalog_syncer_queue_depth"));
    given().get("/q/openapi").then().statusCode(200).body(containsString("/admission/mutate"));
  }

  // ------------------------------------------------------------------ helpers

  ObjectNode createInstance(String name, String user) {
    ObjectNode o =
        object(
            name,
            NS,
            "{\"clusterServiceClassExternalName\":\"mariadb\",\"clusterServicePlanExternalName\":\"small\"}",
            null);
    o.put("apiVersion", ServiceCatalog.API_VERSION).put("kind", "ServiceInstance");
    ((ObjectNode) o.get("spec")).set("userInfo", userInfo(user));
    return resources.create(ObjectKey.of(ResourceKind.SERVICE_INSTANCE, NS, name), o);
  }

  ObjectNode createBinding(String name, String instance, String user) {
    ObjectNode o =
        object(
            name,
            NS,
            "{\"instanceRef\":{\"name\":\""
                + instance
                + "\"},\"secretName\":\""
                + name
                + "-secret\"}",
            null);
    o.put("apiVersion", ServiceCatalog.API_VERSION).put("kind", "ServiceBinding");
    ((ObjectNode) o.get("spec")).set("userInfo", userInfo(user));
    return resources.create(ObjectKey.of(ResourceKind.SERVICE_BINDING, NS, name), o);
  }

  static ObjectNode userInfo(String user) {
    ObjectNode u = Json.MAPPER.createObjectNode().put("username", user).put("uid", "u-" + user);
    u.putArray("groups").add("devs").add("system:authenticated");
    return u;
  }

  static ObjectNode object(String name, String ns, String spec, String status) {
    try {
      ObjectNode o = Json.MAPPER.createObjectNode();
      ObjectNode meta = o.putObject("metadata").put("name", name);
      if (ns != null) {
        meta.put("namespace", ns);
      }
      o.set("spec", Json.MAPPER.readTree(spec));
      if (status != null) {
        o.set("status", Json.MAPPER.readTree(status));
      }
      return o;
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static ObjectNode withFinalizer(ObjectNode o) {
    ((ObjectNode) o.get("metadata")).putArray("finalizers").add(ServiceCatalog.FINALIZER);
    return o;
  }

  /** An instance created as a custom resource, synced, and provisioned: its Ready status mirrored back. */
  String readyInstance() {
    String name = unique("inst");
    createInstance(name, "alice");
    awaitSynced(ResourceKind.SERVICE_INSTANCE, NS, name);
    fake.serverUpdate(
        ResourceKind.SERVICE_INSTANCE, NS, name, o -> ready(o, "ProvisionedSuccessfully"));
    eventually()
        .until(
            () -> get(ResourceKind.SERVICE_INSTANCE, NS, name).path("status").path("lastConditionState").asText(),
            "Ready"::equals);
    return name;
  }

  static void ready(ObjectNode o, String reason) {
    ObjectNode st = Json.MAPPER.createObjectNode();
    st.putArray("conditions")
        .addObject()
        .put("type", "Ready")
        .put("status", "True")
        .put("reason", reason)
        .put("message", "ok")
        .put("lastTransitionTime", io.servicecatalog.model.Times.now());
    st.put("lastConditionState", "Ready").put("provisionStatus", "Provisioned");
    o.set("status", st);
  }

  JsonNode get(ResourceKind kind, String ns, String name) {
    return resources.get(ObjectKey.of(kind, ns, name));
  }

  void edit(
      ResourceKind kind, String ns, String name, java.util.function.Consumer<ObjectNode> change) {
    eventually()
        .until(
            () -> {
              ObjectNode o = resources.get(ObjectKey.of(kind, ns, name));
              change.accept(o);
              try {
                resources.update(ObjectKey.of(kind, ns, name), o);
                return true;
              } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() == 409) {
                  return false; // the syncer wrote meanwhile: edit the fresh object
                }
                throw e;
              }
            });
  }

  /** Waits until the custom resource carries the current catalog object's uid and version. */
  JsonNode awaitSynced(ResourceKind kind, String ns, String name) {
    return eventually()
        .until(
            () -> {
              JsonNode cr = get(kind, ns, name);
              ObjectNode c = fake.get(kind, ns, name);
              if (cr == null || c == null) {
                return null;
              }
              boolean synced =
                  c.path("metadata")
                          .path("uid")
                          .asText()
                          .equals(SyncAnnotations.get(cr, SyncAnnotations.CATALOG_UID))
                      && c.path("metadata")
                          .path("resourceVersion")
                          .asText()
                          .equals(
                              SyncAnnotations.get(cr, SyncAnnotations.CATALOG_RESOURCE_VERSION));
              return synced ? cr : null;
            },
            cr -> cr != null);
  }

  int catalogWrites(String name) {
    return (int)
        fake.requests().stream()
            .filter(r -> !r.method().equals("GET"))
            .filter(r -> r.path().endsWith("/" + name) || r.body().contains("\"" + name + "\""))
            .count();
  }

  int postsOf(String name) {
    return (int)
        fake.requests("POST", "/").stream()
            .filter(r -> r.body().contains("\"" + name + "\""))
            .count();
  }

  List<Event> warnings(String name) {
    return kube.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && "Warning".equals(e.getType()))
        .toList();
  }

  static Map<String, Object> readBody(FakeCatalogApi.Request r) {
    try {
      return Json.MAPPER.readValue(r.body(), Map.class);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String uidOf(JsonNode o) {
    return o.path("metadata").path("uid").asText();
  }
}
