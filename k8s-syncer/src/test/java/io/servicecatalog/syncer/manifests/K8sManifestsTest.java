package io.servicecatalog.syncer.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.syncer.support.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl apply -k k8s/} would install, checked object by object: rendered with {@code
 * kubectl kustomize} when kubectl is on the PATH (Debian's kubernetes-client), otherwise by reading
 * the resources listed in kustomization.yaml (this manifest set uses no generators, patches or
 * overlays, so that is the same output minus the common labels and image tags, which are then
 * checked on the files themselves).
 */
class K8sManifestsTest {
  static final Path K8S = Repository.root().resolve("k8s");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Set<String> DEPLOYMENTS =
      Set.of(
          "catalog-api", "broker-gateway", "credential-injector", "k8s-syncer", "mariadb-broker");
  static List<JsonNode> objects;
  static boolean renderedByKubectl;

  @BeforeAll
  static void render() throws Exception {
    String yaml = kubectlKustomize();
    renderedByKubectl = yaml != null;
    if (yaml == null) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode r :
          YAML.readTree(K8S.resolve("kustomization.yaml").toFile()).path("resources")) {
        sb.append(Files.readString(K8S.resolve(r.asText()))).append("\n---\n");
      }
      yaml = sb.toString();
    }
    objects = parse(yaml);
  }

  /** The rendered YAML, or null without kubectl. A kubectl that fails to render fails the test. */
  static String kubectlKustomize() throws Exception {
    Process p;
    try {
      p =
          new ProcessBuilder("kubectl", "kustomize", K8S.toString())
              .redirectErrorStream(false)
              .start();
    } catch (IOException noKubectl) {
      return null;
    }
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "kubectl kustomize k8s/ failed: " + err);
    return new String(out, StandardCharsets.UTF_8);
  }

  static List<JsonNode> parse(String yaml) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && n.isObject() && n.has("kind")) {
          out.add(n);
        }
      }
    }
    return out;
  }

  @Test
  void installsTheCrdsNamespaceServicesAndNoSecretValues() {
    assertEquals(ResourceKind.values().length, all("CustomResourceDefinition").size());
    assertEquals(DEPLOYMENTS, names("Deployment"));
    assertEquals(DEPLOYMENTS, names("Service"));
    assertEquals(DEPLOYMENTS, names("ServiceAccount"));
    assertTrue(
        all("Secret").isEmpty(), "Secrets come from secrets.template.yaml, never from apply -k");
    JsonNode ns = one("Namespace", "service-catalog");
    assertEquals(
        "restricted",
        ns.path("metadata").path("labels").path("pod-security.kubernetes.io/enforce").asText());
    if (renderedByKubectl) {
      for (JsonNode o : objects) {
        assertEquals(
            "service-catalog",
            o.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText(),
            kindName(o) + " carries the common label");
      }
    }
  }

  @Test
  void theCrdsAreTheCommittedOnesWithApprovalAnnotationAndStatusSubresource() throws IOException {
    for (JsonNode crd : all("CustomResourceDefinition")) {
      String name = crd.path("metadata").path("name").asText();
      String approval =
          crd.path("metadata").path("annotations").path("api-approved.kubernetes.io").asText(null);
      assertNotNull(approval, name);
      assertTrue(CrdManifestsTest.approvalAccepted(approval), name + ": " + approval);
      assertEquals(ServiceCatalog.GROUP, crd.path("spec").path("group").asText());
      assertTrue(crd.path("spec").path("versions").get(0).path("subresources").has("status"), name);
      JsonNode committed =
          YAML.readTree(
              K8S.resolve("crds")
                  .resolve(
                      name.substring(0, name.indexOf('.')) + "." + ServiceCatalog.GROUP + "-v1.yml")
                  .toFile());
      assertEquals(committed.path("spec"), crd.path("spec"), name + " rendered as committed");
    }
  }

  @Test
  void everyDeploymentHasProbesLimitsAndARestrictedSecurityContext() {
    for (JsonNode d : all("Deployment")) {
      String name = d.path("metadata").path("name").asText();
      JsonNode pod = d.path("spec").path("template").path("spec");
      assertEquals(
          name, pod.path("serviceAccountName").asText(), name + " runs as its own service account");
      assertTrue(
          pod.path("securityContext").path("runAsNonRoot").asBoolean(), name + " runAsNonRoot");
      assertEquals(
          "RuntimeDefault",
          pod.path("securityContext").path("seccompProfile").path("type").asText(),
          name);
      Set<String> emptyDirs = new TreeSet<>();
      for (JsonNode v : pod.path("volumes")) {
        if (v.has("emptyDir")) {
          emptyDirs.add(v.path("name").asText());
        }
      }
      assertEquals(1, pod.path("containers").size(), name);
      JsonNode c = pod.path("containers").get(0);
      assertEquals(
          "servicecatalog/" + name,
          c.path("image").asText().replaceAll(":.*$", ""),
          name + " image");
      assertEquals(
          "/q/health/live",
          c.path("livenessProbe").path("httpGet").path("path").asText(),
          name + " liveness");
      assertEquals(
          "/q/health/ready",
          c.path("readinessProbe").path("httpGet").path("path").asText(),
          name + " readiness");
      assertTrue(c.has("startupProbe"), name + " startup probe (JVM start)");
      for (String r : List.of("cpu", "memory")) {
        assertTrue(c.path("resources").path("requests").has(r), name + " requests " + r);
        assertTrue(c.path("resources").path("limits").has(r), name + " limits " + r);
      }
      assertTrue(
          mebibytes(c.path("resources").path("limits").path("memory").asText())
              > mebibytes(c.path("resources").path("requests").path("memory").asText()),
          name + " limit above request");
      String jvm = env(c).getOrDefault("JAVA_TOOL_OPTIONS", "");
      java.util.regex.Matcher xmx = java.util.regex.Pattern.compile("-Xmx(\\d+)m").matcher(jvm);
      assertTrue(xmx.find(), name + " sets its heap: " + jvm);
      assertTrue(jvm.contains("-XX:MaxMetaspaceSize=") && jvm.contains("-XX:ReservedCodeCacheSize="),
          name + " bounds metaspace and code cache: " + jvm);
      assertTrue(
          mebibytes(c.path("resources").path("limits").path("memory").asText())
              >= Integer.parseInt(xmx.group(1)) + 128 + 48 + 96,
          name + ": heap plus metaspace, code cache and threads at their maximum need room");
      assertEquals("2", env(c).get("MALLOC_ARENA_MAX"), name + " two malloc arenas");
      JsonNode sc = c.path("securityContext");
      assertTrue(
          sc.path("readOnlyRootFilesystem").asBoolean(), name + " read-only root file system");
      assertFalse(
          sc.path("allowPrivilegeEscalation").asBoolean(true), name + " no privilege escalation");
      assertEquals(
          "[\"ALL\"]",
          sc.path("capabilities").path("drop").toString(),
          name + " drops all capabilities");
      boolean tmp = false;
      for (JsonNode m : c.path("volumeMounts")) {
        tmp |=
            m.path("mountPath").asText().equals("/tmp")
                && emptyDirs.contains(m.path("name").asText());
      }
      assertTrue(tmp, name + " has a writable /tmp from an emptyDir");
      assertTrue(jvm.contains("-XX:+ExitOnOutOfMemoryError"), name + " restarts rather than limps on");
    }
  }

  @Test
  void everyServiceAccountIsBoundToExactlyTheRulesItNeeds() {
    Map<String, Set<String>> granted = grantsBySubject();
    assertEquals(
        Set.of("broker-gateway", "credential-injector", "k8s-syncer"),
        granted.keySet(),
        "only these service accounts get roles; catalog-api and mariadb-broker none");
    assertEquals(
        Set.of(
            "*/ secrets get",
            "*/ namespaces get",
            "default/ configmaps[cluster-info] get",
            "default/ configmaps[cluster-info] update",
            "default/ configmaps create"),
        granted.get("broker-gateway"));
    assertEquals(
        Set.of(
            "*/ secrets get",
            "*/ secrets list",
            "*/ secrets watch",
            "*/ secrets create",
            "*/ secrets update",
            "*/ secrets delete"),
        granted.get("credential-injector"));
    Set<String> syncer = new TreeSet<>();
    for (ResourceKind k : ResourceKind.values()) {
      for (String v : List.of("get", "list", "watch", "create", "update", "patch", "delete")) {
        syncer.add("*/servicecatalog.k8s.io " + k.plural() + " " + v);
      }
      for (String v : List.of("get", "update", "patch")) {
        syncer.add("*/servicecatalog.k8s.io " + k.plural() + "/status " + v);
      }
    }
    syncer.add("*/servicecatalog.k8s.io servicebindings/finalizers update");
    syncer.addAll(
        List.of("*/ secrets list", "*/ secrets patch", "*/ events create", "*/ events patch"));
    assertEquals(syncer, granted.get("k8s-syncer"));
    for (String sa : List.of("catalog-api", "mariadb-broker")) {
      assertFalse(
          one("ServiceAccount", sa).path("automountServiceAccountToken").asBoolean(true),
          sa + " gets no token");
      assertFalse(
          one("Deployment", sa)
              .path("spec")
              .path("template")
              .path("spec")
              .path("automountServiceAccountToken")
              .asBoolean(true),
          sa + " pod mounts no token");
    }
  }

  @Test
  void theWebhookReachesTheSyncerOverTlsFromCertManager() {
    JsonNode mwc = all("MutatingWebhookConfiguration").get(0);
    JsonNode hook = mwc.path("webhooks").get(0);
    JsonNode svcRef = hook.path("clientConfig").path("service");
    assertEquals("k8s-syncer", svcRef.path("name").asText());
    assertEquals("/admission/mutate", svcRef.path("path").asText());
    assertEquals("Fail", hook.path("failurePolicy").asText());
    assertEquals("None", hook.path("sideEffects").asText());
    assertTrue(hook.path("rules").get(0).path("operations").toString().contains("CREATE"));
    assertFalse(hook.path("rules").get(0).path("operations").toString().contains("DELETE"));
    assertEquals(ResourceKind.values().length, hook.path("rules").get(0).path("resources").size());

    JsonNode service = one("Service", "k8s-syncer");
    JsonNode port =
        find(
            service.path("spec").path("ports"),
            p -> p.path("port").asInt() == svcRef.path("port").asInt());
    JsonNode container =
        one("Deployment", "k8s-syncer")
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .get(0);
    assertEquals(
        8443,
        find(
                container.path("ports"),
                p -> p.path("name").asText().equals(port.path("targetPort").asText()))
            .path("containerPort")
            .asInt());
    assertEquals("8443", env(container).get("QUARKUS_HTTP_SSL_PORT"));

    String inject =
        mwc.path("metadata").path("annotations").path("cert-manager.io/inject-ca-from").asText();
    JsonNode cert = one("Certificate", inject.substring(inject.indexOf('/') + 1));
    assertTrue(
        cert.path("spec").path("dnsNames").toString().contains("k8s-syncer.service-catalog.svc"));
    String secret = cert.path("spec").path("secretName").asText();
    JsonNode pod = one("Deployment", "k8s-syncer").path("spec").path("template").path("spec");
    JsonNode volume =
        find(pod.path("volumes"), v -> secret.equals(v.path("secret").path("secretName").asText()));
    JsonNode mount =
        find(
            container.path("volumeMounts"),
            m -> m.path("name").asText().equals(volume.path("name").asText()));
    assertTrue(
        env(container)
            .get("QUARKUS_HTTP_SSL_CERTIFICATE_FILES")
            .startsWith(mount.path("mountPath").asText()));
    one("Issuer", cert.path("spec").path("issuerRef").path("name").asText());

    // The webhook ignores the syncer's own writes: the same user in both places
    String own = env(container).get("SERVICECATALOG_SYNCER_SERVICE_ACCOUNT_USERNAME");
    assertEquals("system:serviceaccount:service-catalog:k8s-syncer", own);
    assertTrue(
        hook.path("matchConditions").get(0).path("expression").asText().contains("'" + own + "'"));
  }

  @Test
  void everyReferencedConfigMapIsInstalledAndEverySecretIsInTheTemplate() throws IOException {
    Set<String> templateSecrets = new TreeSet<>();
    for (JsonNode s : parse(Files.readString(K8S.resolve("secrets.template.yaml")))) {
      templateSecrets.add(s.path("metadata").path("name").asText());
    }
    for (JsonNode d : all("Deployment")) {
      JsonNode c = d.path("spec").path("template").path("spec").path("containers").get(0);
      for (JsonNode from : c.path("envFrom")) {
        if (from.has("configMapRef")) {
          one("ConfigMap", from.path("configMapRef").path("name").asText());
        } else {
          assertTrue(
              templateSecrets.contains(from.path("secretRef").path("name").asText()),
              from.toString());
        }
      }
      for (JsonNode e : c.path("env")) {
        JsonNode ref = e.path("valueFrom").path("secretKeyRef");
        if (!ref.isMissingNode()) {
          assertTrue(templateSecrets.contains(ref.path("name").asText()), e.toString());
        }
      }
      String catalogApi = env(c).get("SERVICECATALOG_CATALOG_API_URL");
      if (catalogApi != null) {
        assertEquals("http://catalog-api.service-catalog.svc:8080", catalogApi);
        // catalog-api authenticates every caller: each with its own token, from the Secret
        JsonNode token =
            find(c.path("env"), e -> e.path("name").asText().equals("SERVICECATALOG_CATALOG_API_TOKEN"));
        assertEquals(
            d.path("metadata").path("name").asText(),
            token.path("valueFrom").path("secretKeyRef").path("key").asText(),
            d.path("metadata").path("name").asText() + " sends its own catalog-api token");
      }
    }
    JsonNode key =
        find(
            parse(Files.readString(K8S.resolve("secrets.template.yaml"))),
            s -> s.path("metadata").path("name").asText().equals("servicecatalog-credentials-key"));
    assertTrue(
        key.path("stringData")
            .path("SERVICECATALOG_CREDENTIALS_KEY")
            .asText()
            .startsWith("REPLACE"),
        "no usable key is ever shipped");
    assertEquals(
        8080,
        find(one("Service", "catalog-api").path("spec").path("ports"), p -> true)
            .path("port")
            .asInt());
  }

  @Test
  void servicesSelectTheirDeploymentsPods() {
    for (JsonNode s : all("Service")) {
      String name = s.path("metadata").path("name").asText();
      JsonNode d = one("Deployment", name);
      s.path("spec")
          .path("selector")
          .fields()
          .forEachRemaining(
              e ->
                  assertEquals(
                      e.getValue().asText(),
                      d.path("spec")
                          .path("template")
                          .path("metadata")
                          .path("labels")
                          .path(e.getKey())
                          .asText(),
                      name));
      JsonNode ports =
          d.path("spec").path("template").path("spec").path("containers").get(0).path("ports");
      for (JsonNode p : s.path("spec").path("ports")) {
        find(ports, cp -> cp.path("name").asText().equals(p.path("targetPort").asText()));
      }
    }
  }

  // ------------------------------------------------------------------ RBAC as kube-apiserver sees
  // it

  /** subject → "namespace/apiGroup resource[names] verb" for every grant reaching it. */
  static Map<String, Set<String>> grantsBySubject() {
    Map<String, Set<String>> out = new TreeMap<>();
    for (String bindingKind : List.of("ClusterRoleBinding", "RoleBinding")) {
      for (JsonNode b : all(bindingKind)) {
        String scope =
            bindingKind.equals("RoleBinding") ? b.path("metadata").path("namespace").asText() : "*";
        JsonNode roleRef = b.path("roleRef");
        JsonNode role =
            roleRef.path("kind").asText().equals("ClusterRole")
                ? one("ClusterRole", roleRef.path("name").asText())
                : one("Role", roleRef.path("name").asText());
        for (JsonNode subject : b.path("subjects")) {
          assertEquals(
              "ServiceAccount",
              subject.path("kind").asText(),
              "only our service accounts are bound");
          assertEquals("service-catalog", subject.path("namespace").asText());
          Set<String> grants =
              out.computeIfAbsent(subject.path("name").asText(), k -> new TreeSet<>());
          for (JsonNode rule : role.path("rules")) {
            for (JsonNode group : rule.path("apiGroups")) {
              for (JsonNode resource : rule.path("resources")) {
                for (JsonNode verb : rule.path("verbs")) {
                  assertFalse(
                      List.of(group.asText(), resource.asText(), verb.asText()).contains("*"),
                      "no wildcards: " + rule);
                  String names =
                      rule.has("resourceNames")
                          ? rule.path("resourceNames").toString().replaceAll("[\\[\\]\"]", "")
                          : null;
                  grants.add(
                      scope
                          + "/"
                          + group.asText()
                          + " "
                          + resource.asText()
                          + (names == null ? "" : "[" + names + "]")
                          + " "
                          + verb.asText());
                }
              }
            }
          }
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  static List<JsonNode> all(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  static Set<String> names(String kind) {
    Set<String> out = new TreeSet<>();
    all(kind).forEach(o -> out.add(o.path("metadata").path("name").asText()));
    return out;
  }

  static JsonNode one(String kind, String name) {
    return find(all(kind), o -> name.equals(o.path("metadata").path("name").asText()));
  }

  static JsonNode find(Iterable<JsonNode> nodes, java.util.function.Predicate<JsonNode> p) {
    for (JsonNode n : nodes) {
      if (p.test(n)) {
        return n;
      }
    }
    throw new AssertionError("not found among " + nodes);
  }

  static Map<String, String> env(JsonNode container) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode e : container.path("env")) {
      if (e.has("value")) {
        out.put(e.path("name").asText(), e.path("value").asText());
      }
    }
    return out;
  }

  static String kindName(JsonNode o) {
    return o.path("kind").asText() + " " + o.path("metadata").path("name").asText();
  }

  static long mebibytes(String quantity) {
    if (quantity.endsWith("Gi")) {
      return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024;
    }
    if (quantity.endsWith("Mi")) {
      return Long.parseLong(quantity.substring(0, quantity.length() - 2));
    }
    throw new IllegalArgumentException("use Mi or Gi: " + quantity);
  }
}
