package io.servicecatalog.syncer.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.syncer.support.Repository;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed CRDs ({@code k8s/crds/}) are exactly what the resource model generates, and they
 * pass the checks a real kube-apiserver makes and the Fabric8 mock server does not: the {@code
 * api-approved.kubernetes.io} annotation required for a group under {@code *.k8s.io}, structural
 * schemas, the status subresource; plus what kubectl users see (printer columns in the original's
 * order, short names, the category, descriptions for {@code kubectl explain}).
 *
 * <p>After changing the model: {@code mvn -f k8s-syncer/pom.xml test -Dtest=CrdManifestsTest
 * -Dservicecatalog.crds.update=true} rewrites {@code k8s/crds/} (then review and commit).
 */
class CrdManifestsTest {
  static final Path CRDS = Repository.root().resolve("k8s/crds");

  @Test
  void committedCrdsAreWhatTheModelGenerates() throws IOException {
    Map<String, String> generated = CrdManifests.generate(Path.of("target", "generated-crds"));
    assertEquals(ResourceKind.values().length, generated.size(), generated.keySet().toString());
    if (Boolean.getBoolean("servicecatalog.crds.update")) {
      Files.createDirectories(CRDS);
      try (Stream<Path> old = Files.list(CRDS)) {
        for (Path p : old.filter(p -> p.toString().endsWith(".yml")).toList()) {
          Files.delete(p);
        }
      }
      for (Map.Entry<String, String> e : generated.entrySet()) {
        Files.writeString(CRDS.resolve(e.getKey()), e.getValue());
      }
    }
    TreeSet<String> committed = new TreeSet<>();
    try (Stream<Path> files = Files.list(CRDS)) {
      files
          .filter(p -> p.toString().endsWith(".yml"))
          .forEach(p -> committed.add(p.getFileName().toString()));
    }
    assertEquals(new TreeSet<>(generated.keySet()), committed, "CRD files in k8s/crds/");
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, String> e : generated.entrySet()) {
      if (!e.getValue().equals(Files.readString(CRDS.resolve(e.getKey())))) {
        stale.add(e.getKey());
      }
    }
    if (!stale.isEmpty()) {
      fail(
          "k8s/crds/ differs from what catalog-model generates for "
              + stale
              + ". Regenerate with `mvn -B -q -f catalog-model/pom.xml install && mvn -B -f"
              + " k8s-syncer/pom.xml test -Dtest=CrdManifestsTest"
              + " -Dservicecatalog.crds.update=true`, review the diff, commit.");
    }
  }

  @Test
  void everyCrdCarriesTheApiApprovalAnnotationKubeApiserverRequires() {
    for (CustomResourceDefinition crd : committed()) {
      String group = crd.getSpec().getGroup();
      assertTrue(isProtectedGroup(group), group + " is a protected group: the check must apply");
      String value =
          crd.getMetadata().getAnnotations() == null
              ? null
              : crd.getMetadata().getAnnotations().get("api-approved.kubernetes.io");
      assertNotNull(
          value,
          crd.getMetadata().getName()
              + ": kube-apiserver refuses a CRD of a protected group"
              + " without api-approved.kubernetes.io");
      assertTrue(
          approvalAccepted(value),
          crd.getMetadata().getName()
              + ": \""
              + value
              + "\" is neither a URL nor a value starting with \"unapproved\"");
    }
  }

  @Test
  void schemasAreStructuralWithStatusSubresource() {
    for (CustomResourceDefinition crd : committed()) {
      String name = crd.getMetadata().getName();
      assertEquals(1, crd.getSpec().getVersions().size(), name);
      CustomResourceDefinitionVersion v = crd.getSpec().getVersions().get(0);
      assertEquals(ServiceCatalog.VERSION, v.getName());
      assertTrue(v.getServed() && v.getStorage(), name + " served and stored");
      assertNotNull(v.getSubresources(), name + " subresources");
      assertNotNull(v.getSubresources().getStatus(), name + " status subresource");
      JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
      List<String> problems = new ArrayList<>();
      structural("", root, problems, true);
      assertTrue(problems.isEmpty(), name + " is not structural: " + problems);
      for (String part : List.of("spec", "status")) {
        assertTrue(root.getProperties().containsKey(part), name + " has " + part);
        assertNotNull(
            root.getProperties().get(part).getDescription(), name + " describes ." + part);
      }
      assertNotNull(root.getDescription(), name + " describes the kind");
      root.getProperties()
          .get("spec")
          .getProperties()
          .forEach(
              (field, schema) ->
                  assertNotNull(
                      schema.getDescription(),
                      name + ": spec." + field + " has a description (kubectl explain)"));
    }
  }

  @Test
  void namesScopeCategoryAndShortNamesMatchTheModel() {
    List<String> shortNames = new ArrayList<>();
    for (ResourceKind kind : ResourceKind.values()) {
      CustomResourceDefinition crd = load(CRDS.resolve(CrdManifests.fileName(kind)));
      assertEquals(kind.plural() + "." + ServiceCatalog.GROUP, crd.getMetadata().getName());
      assertEquals(ServiceCatalog.GROUP, crd.getSpec().getGroup());
      assertEquals(kind.kind(), crd.getSpec().getNames().getKind());
      assertEquals(kind.plural(), crd.getSpec().getNames().getPlural());
      assertEquals(kind.kind().toLowerCase(), crd.getSpec().getNames().getSingular());
      assertEquals(kind.namespaced() ? "Namespaced" : "Cluster", crd.getSpec().getScope());
      assertEquals(List.of("servicecatalog"), crd.getSpec().getNames().getCategories());
      assertFalse(crd.getSpec().getNames().getShortNames().isEmpty(), kind + " short names");
      shortNames.addAll(crd.getSpec().getNames().getShortNames());
    }
    assertEquals(
        shortNames.size(),
        new TreeSet<>(shortNames).size(),
        "short names are unique: " + shortNames);
    // none shadows a built-in kind's short name
    assertTrue(
        shortNames.stream()
            .noneMatch(
                List.of(
                        "sc", "svc", "sa", "cs", "csr", "ns", "no", "po", "pv", "pvc", "ing", "ep",
                        "ds", "rs", "deploy", "hpa", "cm", "ev", "limits", "quota", "netpol", "pdb",
                        "rc", "sts", "crd")
                    ::contains),
        shortNames.toString());
  }

  @Test
  void printerColumnsAreTheOriginalsInItsOrder() {
    assertColumns(ResourceKind.SERVICE_INSTANCE, List.of("Class", "Plan", "Status", "Age"));
    assertColumns(
        ResourceKind.SERVICE_BINDING, List.of("Service-Instance", "Secret-Name", "Status", "Age"));
    assertColumns(ResourceKind.CLUSTER_SERVICE_BROKER, List.of("URL", "Status", "Age"));
    assertColumns(ResourceKind.SERVICE_BROKER, List.of("URL", "Status", "Age"));
    assertColumns(ResourceKind.CLUSTER_SERVICE_CLASS, List.of("External-Name", "Broker", "Age"));
    assertColumns(
        ResourceKind.CLUSTER_SERVICE_PLAN, List.of("External-Name", "Broker", "Class", "Age"));
    CustomResourceColumnDefinition status = columns(ResourceKind.SERVICE_INSTANCE).get(2);
    assertEquals(".status.lastConditionState", status.getJsonPath());
    CustomResourceColumnDefinition age = columns(ResourceKind.SERVICE_INSTANCE).get(3);
    assertEquals("date", age.getType());
    assertEquals(".metadata.creationTimestamp", age.getJsonPath());
    assertEquals(
        1,
        columns(ResourceKind.SERVICE_BINDING).get(1).getPriority(),
        "Secret-Name only with -o wide");
  }

  @Test
  void freeFormJsonFieldsKeepTheirContent() {
    JSONSchemaProps instanceSpec = spec(ResourceKind.SERVICE_INSTANCE);
    assertTrue(
        instanceSpec.getProperties().get("parameters").getXKubernetesPreserveUnknownFields());
    JSONSchemaProps planSpec = spec(ResourceKind.CLUSTER_SERVICE_PLAN);
    for (String f :
        List.of(
            "externalMetadata",
            "instanceCreateParameterSchema",
            "instanceUpdateParameterSchema",
            "serviceBindingCreateParameterSchema",
            "defaultProvisionParameters",
            "maintenanceInfo")) {
      assertTrue(
          Boolean.TRUE.equals(
              planSpec.getProperties().get(f).getXKubernetesPreserveUnknownFields()),
          f);
    }
    assertTrue(
        spec(ResourceKind.CLUSTER_SERVICE_CLASS)
            .getProperties()
            .get("externalMetadata")
            .getXKubernetesPreserveUnknownFields());
    assertTrue(
        spec(ResourceKind.SERVICE_BINDING)
            .getProperties()
            .get("parameters")
            .getXKubernetesPreserveUnknownFields());
  }

  // ------------------------------------------------------------------ kube-apiserver's rules

  /** apiextensions-apiserver's IsProtectedCommunityGroup. */
  static boolean isProtectedGroup(String group) {
    return group.equals("k8s.io")
        || group.equals("kubernetes.io")
        || group.endsWith(".k8s.io")
        || group.endsWith(".kubernetes.io");
  }

  /**
   * GetAPIApprovalState: approved (a URL) or bypassed ("unapproved..."); anything else is refused.
   */
  static boolean approvalAccepted(String value) {
    if (value.startsWith("unapproved")) {
      return true;
    }
    try {
      URI u = new URI(value);
      return u.getScheme() != null && u.getHost() != null;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * The structural-schema rules of apiextensions v1: every node specifies a type unless it
   * preserves unknown fields (or is int-or-string); arrays have items; properties and
   * additionalProperties are not combined; below the root, no metadata constraints.
   */
  static void structural(String path, JSONSchemaProps s, List<String> problems, boolean root) {
    boolean free =
        Boolean.TRUE.equals(s.getXKubernetesPreserveUnknownFields())
            || Boolean.TRUE.equals(s.getXKubernetesIntOrString());
    if ((s.getType() == null || s.getType().isEmpty()) && !free) {
      problems.add(path + ": no type");
    }
    if ("array".equals(s.getType()) && s.getItems() == null) {
      problems.add(path + ": array without items");
    }
    if (s.getProperties() != null
        && !s.getProperties().isEmpty()
        && s.getAdditionalProperties() != null
        && s.getAdditionalProperties().getSchema() != null) {
      problems.add(path + ": properties and additionalProperties together");
    }
    if (!empty(s.getAnyOf())
        || !empty(s.getOneOf())
        || !empty(s.getAllOf())
        || s.getNot() != null) {
      problems.add(path + ": value validations (anyOf/oneOf/allOf/not) are not checked here");
    }
    if (s.getProperties() != null) {
      s.getProperties()
          .forEach(
              (k, v) -> {
                if (root && k.equals("metadata") && v.getProperties() != null) {
                  problems.add("metadata: only name/generateName may be constrained");
                }
                structural(path + "." + k, v, problems, false);
              });
    }
    if (s.getItems() != null && s.getItems().getSchema() != null) {
      structural(path + "[]", s.getItems().getSchema(), problems, false);
    }
    if (s.getAdditionalProperties() != null && s.getAdditionalProperties().getSchema() != null) {
      structural(path + ".*", s.getAdditionalProperties().getSchema(), problems, false);
    }
  }

  // ------------------------------------------------------------------ helpers

  private static boolean empty(List<?> l) {
    return l == null || l.isEmpty();
  }

  private static void assertColumns(ResourceKind kind, List<String> names) {
    assertEquals(
        names,
        columns(kind).stream().map(CustomResourceColumnDefinition::getName).toList(),
        kind.kind());
  }

  private static List<CustomResourceColumnDefinition> columns(ResourceKind kind) {
    return load(CRDS.resolve(CrdManifests.fileName(kind)))
        .getSpec()
        .getVersions()
        .get(0)
        .getAdditionalPrinterColumns();
  }

  private static JSONSchemaProps spec(ResourceKind kind) {
    return load(CRDS.resolve(CrdManifests.fileName(kind)))
        .getSpec()
        .getVersions()
        .get(0)
        .getSchema()
        .getOpenAPIV3Schema()
        .getProperties()
        .get("spec");
  }

  static List<CustomResourceDefinition> committed() {
    List<CustomResourceDefinition> out = new ArrayList<>();
    for (ResourceKind kind : ResourceKind.values()) {
      out.add(load(CRDS.resolve(CrdManifests.fileName(kind))));
    }
    return out;
  }

  static CustomResourceDefinition load(Path file) {
    try {
      return Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
