package io.servicecatalog.localstack;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The seed's kubectl walkthrough, through custom resources only: the example YAML files are created
 * in the Kubernetes API (the stand-in, in CRUD mode with the CRDs of {@code k8s/crds/}), and
 * everything the user sees is read back from there — broker Ready, the classes and plans created
 * from its catalog, instance and binding Ready, the credentials Secret owned by the binding,
 * deletions held by the finalizer until the catalog has unbound/deprovisioned. catalog-api,
 * broker-gateway, credential-injector, the MariaDB broker and k8s-syncer run as separate processes;
 * catalog-api is only read, to check what reached it.
 *
 * <p>The stand-in has no admission: each object is first sent to k8s-syncer's webhook as
 * kube-apiserver would, and its answer (spec.userInfo, the finalizer) applied, so the user's
 * identity reaching catalog-api is checked too. Midway, k8s-syncer is killed; a binding created and
 * a broker edited while it is down are reconciled after its restart, nothing twice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrdWalkthroughE2ETest {
  static final Duration STEP = Duration.ofSeconds(120);
  static final String NS = "default";
  static final String GROUP_VERSION = "servicecatalog.k8s.io/v1beta1";
  static final String USER = "jane@example.com";
  static final ObjectMapper JSON = new ObjectMapper();

  static LocalStack stack;
  static KubernetesClient kube;
  static String api;
  static Path examples;
  static Map<String, String> credentials;
  static String instanceCatalogUid;

  @BeforeAll
  static void startTheMeshWithTheSyncer() {
    Postgres pg =
        Postgres.external(
            env("SERVICECATALOG_DB_HOST", "127.0.0.1"),
            Integer.parseInt(env("SERVICECATALOG_DB_PORT", "5432")),
            env("SERVICECATALOG_DB_USER", "postgres"),
            env("SERVICECATALOG_DB_PASSWORD", ""));
    stack =
        LocalStack.builder()
            .randomPorts(true)
            .postgres(pg)
            .databaseName(
                "sc_crd_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12))
            .logDir(Path.of("target", "e2e-crd-logs"))
            .serviceProperty(
                LocalStack.BROKER_GATEWAY, "servicecatalog.polling.initial-interval", "250ms")
            .serviceProperty(LocalStack.BROKER_GATEWAY, "servicecatalog.polling.max-interval", "2s")
            .serviceProperty(LocalStack.K8S_SYNCER, "servicecatalog.syncer.poll-interval", "500ms")
            .serviceProperty(LocalStack.K8S_SYNCER, "servicecatalog.syncer.wait-recheck", "1s")
            // the stand-in has no service accounts: the webhook's "own user" is one no request uses
            .serviceProperty(
                LocalStack.K8S_SYNCER,
                "servicecatalog.syncer.service-account-username",
                "k8s-syncer-e2e")
            .build()
            .start();
    CatalogApiAuth.install(stack);
    kube = stack.kubernetes().client();
    api = stack.catalogApiRestBase();
    examples = stack.root().resolve("examples");
  }

  @AfterAll
  static void stopTheMesh() {
    CatalogApiAuth.uninstall();
    if (stack != null) {
      // sizing data for k8s/ (resources.requests/limits): resident memory of each service
      stack
          .services()
          .forEach(
              (name, p) -> {
                if (p.isAlive()) {
                  System.out.println("[crd-e2e] RSS " + name + ": " + rssMiB(p.pid()) + " MiB");
                }
              });
      stack.close();
    }
  }

  @Test
  @Order(1)
  void theSyncerIsWiredToCatalogApiAndTheStandInWithTheCrdsInstalled() {
    Map<String, String> p = stack.systemPropertiesFor(LocalStack.K8S_SYNCER);
    assertEquals(stack.catalogApiUrl(), p.get("servicecatalog.catalog-api.url"));
    assertEquals(stack.kubernetesApiUrl(), p.get("quarkus.kubernetes-client.api-server-url"));
    assertEquals("8083", String.valueOf(LocalStack.DEFAULT_PORTS.get(LocalStack.K8S_SYNCER)));
    assertEquals(
        8,
        kube.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
            .filter(c -> c.getSpec().getGroup().equals("servicecatalog.k8s.io"))
            .count());
  }

  @Test
  @Order(2)
  void theBrokerCreatedAsCustomResourceBecomesReadyAndItsCatalogAppearsAsCustomResources()
      throws Exception {
    // kubectl create -f examples/mariadb-secret.yaml
    try (var in = Files.newInputStream(examples.resolve("mariadb-secret.yaml"))) {
      kube.resource(in).inNamespace(NS).create();
    }
    // kubectl create -f examples/mariadb-broker.yaml (pointed at this run's broker port)
    create(
        Files.readString(examples.resolve("mariadb-broker.yaml"))
            .replace("http://127.0.0.1:8090", stack.brokerUrl()));

    JsonNode broker =
        awaitCr("ClusterServiceBroker", null, "mariadb-broker", CrdWalkthroughE2ETest::ready);
    assertEquals(
        "Ready",
        broker.path("status").path("lastConditionState").asText(),
        "printer column Status");
    assertTrue(finalizers(broker).contains("kubernetes-incubator/service-catalog"));

    // kubectl get clusterserviceclasses,clusterserviceplans: created by the syncer from the catalog
    await("classes and plans as custom resources")
        .atMost(STEP)
        .untilAsserted(
            () -> {
              assertTrue(
                  externalNames("ClusterServiceClass").contains("mariadb"),
                  externalNames("ClusterServiceClass").toString());
              assertTrue(
                  externalNames("ClusterServicePlan").containsAll(List.of("small", "async")),
                  externalNames("ClusterServicePlan").toString());
            });
    JsonNode plan =
        crs("ClusterServicePlan", null).list().getItems().stream()
            .map(CrdWalkthroughE2ETest::json)
            .filter(p -> "small".equals(p.path("spec").path("externalName").asText()))
            .findFirst()
            .orElseThrow();
    assertEquals("mariadb-broker", plan.path("spec").path("clusterServiceBrokerName").asText());
    assertEquals(false, plan.path("status").path("removedFromBrokerCatalog").asBoolean(true));
  }

  @Test
  @Order(3)
  void theInstanceCreatedAsCustomResourceIsProvisionedWithTheUsersIdentity() throws Exception {
    // kubectl create -f examples/mariadb-instance.yaml
    create(Files.readString(examples.resolve("mariadb-instance.yaml")));
    // kubectl get serviceinstances mariadb-instance -o yaml
    JsonNode instance =
        awaitCr("ServiceInstance", NS, "mariadb-instance", CrdWalkthroughE2ETest::ready);
    JsonNode status = instance.path("status");
    assertEquals("Provisioned", status.path("provisionStatus").asText());
    assertEquals("Required", status.path("deprovisionStatus").asText());
    assertEquals("Ready", status.path("lastConditionState").asText());
    assertEquals("small", status.path("userSpecifiedPlanName").asText(), "printer column Plan");
    assertFalse(
        instance.path("spec").path("clusterServicePlanRef").path("name").asText().isEmpty(),
        "resolved reference mirrored");
    assertFalse(
        instance.path("spec").path("externalID").asText().isEmpty(),
        "the catalog's externalID mirrored");

    JsonPath inCatalog =
        given()
            .get(api + "/namespaces/" + NS + "/serviceinstances/mariadb-instance")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(
        USER,
        inCatalog.getString("spec.userInfo.username"),
        "the Kubernetes user reached catalog-api");
    instanceCatalogUid = inCatalog.getString("metadata.uid");
    assertEquals(instanceCatalogUid, annotation(instance, "servicecatalog.k8s.io/catalog-uid"));
  }

  @Test
  @Order(4)
  void theSyncerSurvivesItsRestartAndABindingCreatedWhileItWasDownBecomesReady() throws Exception {
    ServiceProcess syncer = stack.service(LocalStack.K8S_SYNCER);
    syncer.kill();
    assertFalse(syncer.isAlive());

    // While the syncer is down: kubectl create -f examples/mariadb-binding.yaml. (The stand-in has
    // no admission, so the write is stored as sent. In a cluster the webhook, failurePolicy: Fail,
    // refuses writes while no syncer serves it; what is shown here is that whatever changed while
    // the sync loop was not running converges after its restart, and nothing is created twice.)
    createUnadmitted(Files.readString(examples.resolve("mariadb-binding.yaml")));
    // ... and a spec edit of the broker: a relist request (svcat sync broker)
    editCr(
        "ClusterServiceBroker",
        null,
        "mariadb-broker",
        o -> ((ObjectNode) o.get("spec")).put("relistRequests", 1));

    syncer.start();
    syncer.awaitReady(Duration.ofSeconds(120));

    // kubectl get servicebindings mariadb-binding -o yaml
    JsonNode binding =
        awaitCr("ServiceBinding", NS, "mariadb-binding", CrdWalkthroughE2ETest::ready);
    assertEquals(
        "mariadb-instance-credentials",
        binding.path("status").path("binding").path("name").asText());
    assertEquals(
        1,
        given()
            .get(api + "/namespaces/" + NS + "/servicebindings")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("items")
            .size(),
        "created once");
    JsonNode instance = cr("ServiceInstance", NS, "mariadb-instance");
    assertEquals(
        instanceCatalogUid,
        annotation(instance, "servicecatalog.k8s.io/catalog-uid"),
        "the instance is still the same catalog object");
    assertEquals(
        1,
        given()
            .get(api + "/namespaces/" + NS + "/serviceinstances")
            .then()
            .extract()
            .jsonPath()
            .getList("items")
            .size());

    // kubectl get secret mariadb-instance-credentials: owned by the binding
    Secret secret =
        await("the Secret owned by the binding")
            .atMost(STEP)
            .until(
                () -> kube.secrets().inNamespace(NS).withName("mariadb-instance-credentials").get(),
                s ->
                    s != null
                        && s.getMetadata().getOwnerReferences() != null
                        && !s.getMetadata().getOwnerReferences().isEmpty());
    OwnerReference owner = secret.getMetadata().getOwnerReferences().get(0);
    assertEquals("ServiceBinding", owner.getKind());
    assertEquals(GROUP_VERSION, owner.getApiVersion());
    assertEquals("mariadb-binding", owner.getName());
    assertEquals(binding.path("metadata").path("uid").asText(), owner.getUid());
    assertTrue(owner.getController());
    credentials = decode(secret);
  }

  @Test
  @Order(5)
  void theBrokerEditedWhileTheSyncerWasDownReachesTheCatalog() {
    await("the edit reached catalog-api")
        .atMost(STEP)
        .untilAsserted(
            () ->
                assertEquals(
                    1,
                    given()
                        .get(api + "/clusterservicebrokers/mariadb-broker")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getInt("spec.relistRequests")));
    awaitCr("ClusterServiceBroker", null, "mariadb-broker", CrdWalkthroughE2ETest::ready);
  }

  @Test
  @Order(6)
  void theCredentialsInTheSecretWork() throws Exception {
    assertNotNull(credentials, "the binding's Secret was read");
    String url =
        "jdbc:mariadb://"
            + credentials.get("host")
            + ":"
            + credentials.get("port")
            + "/"
            + credentials.get("database");
    try (Connection c =
            DriverManager.getConnection(
                url, credentials.get("username"), credentials.get("password"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select 1")) {
      assertTrue(rs.next());
      assertEquals(1, rs.getInt(1));
    }
  }

  @Test
  @Order(7)
  void deletingTheBindingRemovesItsSecretAndTheFinalizerWaitsForTheUnbind() {
    crs("ServiceBinding", NS).withName("mariadb-binding").delete();
    await("binding custom resource gone")
        .atMost(STEP)
        .until(() -> cr("ServiceBinding", NS, "mariadb-binding") == null);
    assertNull(
        kube.secrets().inNamespace(NS).withName("mariadb-instance-credentials").get(),
        "Secret deleted");
    given()
        .get(api + "/namespaces/" + NS + "/servicebindings/mariadb-binding")
        .then()
        .statusCode(404);
  }

  @Test
  @Order(8)
  void deletingTheInstanceDeprovisionsBeforeTheCustomResourceGoes() throws Exception {
    crs("ServiceInstance", NS).withName("mariadb-instance").delete();
    JsonNode deleting = cr("ServiceInstance", NS, "mariadb-instance");
    if (deleting != null) {
      assertTrue(
          deleting.path("metadata").hasNonNull("deletionTimestamp"), "held by the finalizer");
    }
    await("instance custom resource gone")
        .atMost(STEP)
        .until(() -> cr("ServiceInstance", NS, "mariadb-instance") == null);
    given()
        .get(api + "/namespaces/" + NS + "/serviceinstances/mariadb-instance")
        .then()
        .statusCode(404);
    if (credentials != null) {
      assertFalse(databases().contains(credentials.get("database")), "the database was dropped");
    }
  }

  @Test
  @Order(9)
  void deletingTheBrokerTakesItsClassesAndPlans() {
    crs("ClusterServiceBroker", null).withName("mariadb-broker").delete();
    await("broker, classes and plans gone")
        .atMost(STEP)
        .untilAsserted(
            () -> {
              assertNull(cr("ClusterServiceBroker", null, "mariadb-broker"));
              assertTrue(crs("ClusterServiceClass", null).list().getItems().isEmpty());
              assertTrue(crs("ClusterServicePlan", null).list().getItems().isEmpty());
            });
    given()
        .get(api + "/clusterserviceclasses")
        .then()
        .statusCode(200)
        .body("items.size()", org.hamcrest.Matchers.equalTo(0));
  }

  // ---------------------------------------------------------------- Kubernetes side

  static MixedOperation<
          GenericKubernetesResource,
          io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      operation(String kind) {
    String plural =
        switch (kind) {
          case "ClusterServiceBroker" -> "clusterservicebrokers";
          case "ClusterServiceClass" -> "clusterserviceclasses";
          case "ClusterServicePlan" -> "clusterserviceplans";
          case "ServiceInstance" -> "serviceinstances";
          case "ServiceBinding" -> "servicebindings";
          default -> throw new IllegalArgumentException(kind);
        };
    ResourceDefinitionContext ctx =
        new ResourceDefinitionContext.Builder()
            .withGroup("servicecatalog.k8s.io")
            .withVersion("v1beta1")
            .withKind(kind)
            .withPlural(plural)
            .withNamespaced(!kind.startsWith("Cluster"))
            .build();
    return kube.genericKubernetesResources(ctx);
  }

  static NonNamespaceOperation<
          GenericKubernetesResource,
          io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      crs(String kind, String ns) {
    return ns == null ? operation(kind) : operation(kind).inNamespace(ns);
  }

  static JsonNode cr(String kind, String ns, String name) {
    GenericKubernetesResource r = crs(kind, ns).withName(name).get();
    return r == null ? null : json(r);
  }

  static JsonNode json(GenericKubernetesResource r) {
    return JSON.valueToTree(r);
  }

  /** kubectl create: the object goes through the admission webhook (k8s-syncer), then is stored. */
  static void create(String yaml) throws Exception {
    ObjectNode object =
        (ObjectNode)
            JSON.valueToTree(Serialization.unmarshal(yaml, GenericKubernetesResource.class));
    store(admit(object));
  }

  static void createUnadmitted(String yaml) {
    store(
        (ObjectNode)
            JSON.valueToTree(Serialization.unmarshal(yaml, GenericKubernetesResource.class)));
  }

  static void store(ObjectNode object) {
    GenericKubernetesResource r = JSON.convertValue(object, GenericKubernetesResource.class);
    String ns = r.getMetadata().getNamespace();
    crs(r.getKind(), r.getKind().startsWith("Cluster") ? null : (ns == null ? NS : ns))
        .resource(r)
        .create();
  }

  /**
   * What kube-apiserver does with a mutating webhook: send an AdmissionReview, apply the JSON
   * Patch.
   */
  static ObjectNode admit(ObjectNode object) throws Exception {
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", UUID.randomUUID().toString()).put("operation", "CREATE");
    request
        .putObject("kind")
        .put("group", "servicecatalog.k8s.io")
        .put("version", "v1beta1")
        .put("kind", object.path("kind").asText());
    ObjectNode user = request.putObject("userInfo").put("username", USER).put("uid", "uid-jane");
    user.putArray("groups").add("developers").add("system:authenticated");
    request.set("object", object);
    String answer =
        given()
            .contentType("application/json")
            .body(review.toString())
            .post(stack.k8sSyncerUrl() + "/admission/mutate")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    JsonNode response = JSON.readTree(answer).path("response");
    assertTrue(response.path("allowed").asBoolean(), answer);
    if (!response.hasNonNull("patch")) {
      return object;
    }
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
    return (ObjectNode) JsonPatch.apply(patch, object);
  }

  static void editCr(
      String kind, String ns, String name, java.util.function.Consumer<ObjectNode> change) {
    await("edit " + name)
        .atMost(STEP)
        .until(
            () -> {
              ObjectNode o = (ObjectNode) cr(kind, ns, name);
              change.accept(o);
              try {
                crs(kind, ns)
                    .resource(JSON.convertValue(o, GenericKubernetesResource.class))
                    .update();
                return true;
              } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() == 409) {
                  return false;
                }
                throw e;
              }
            });
  }

  static JsonNode awaitCr(String kind, String ns, String name, Predicate<JsonNode> condition) {
    return await(kind + " " + name)
        .atMost(STEP)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> cr(kind, ns, name), o -> o != null && condition.test(o));
  }

  static boolean ready(JsonNode o) {
    for (JsonNode c : o.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }

  static List<String> finalizers(JsonNode o) {
    List<String> out = new ArrayList<>();
    o.path("metadata").path("finalizers").forEach(f -> out.add(f.asText()));
    return out;
  }

  static String annotation(JsonNode o, String key) {
    return o.path("metadata").path("annotations").path(key).asText(null);
  }

  static List<String> externalNames(String kind) {
    List<String> out = new ArrayList<>();
    for (GenericKubernetesResource r : crs(kind, null).list().getItems()) {
      out.add(json(r).path("spec").path("externalName").asText());
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers

  static Map<String, String> decode(Secret s) {
    Map<String, String> out = new TreeMap<>();
    s.getData()
        .forEach(
            (k, v) ->
                out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return out;
  }

  static List<String> databases() throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:mariadb://"
                    + env("MARIADB_HOST", "127.0.0.1")
                    + ":"
                    + env("MARIADB_PORT", "3306")
                    + "/",
                env("MARIADB_USER", "root"),
                env("MARIADB_PASSWORD", ""));
        ResultSet rs = c.createStatement().executeQuery("SHOW DATABASES")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  static long rssMiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or gone
    }
    return -1;
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }
}
