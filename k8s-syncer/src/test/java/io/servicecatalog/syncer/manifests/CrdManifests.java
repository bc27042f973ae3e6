package io.servicecatalog.syncer.manifests;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.ResourceKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CRDs of the eight kinds, generated from catalog-model's classes with Fabric8's crd-generator
 * (v2 API) — the same generator as its Maven plugin, driven from here because the plugin offers no
 * post-processing and sorts printer columns by JSON path, which would make {@code kubectl get}
 * print AGE first. The one post-processing step puts the columns back in the order the kind class
 * declares them (Class, Plan, Status, Age, as the original printed them), and the generator reads
 * descriptions only from fields ({@code @JsonPropertyDescription}), so the object, its spec and its
 * status get theirs from the {@code @JsonClassDescription} of the kind, spec and status classes
 * (what {@code kubectl explain serviceinstance.spec} shows). Everything else (schemas, short names,
 * category, the api-approval annotation, the status subresource) comes from the classes'
 * annotations as the generator reads them.
 */
public final class CrdManifests {
  private CrdManifests() {}

  /** {@code <plural>.servicecatalog.k8s.io-v1.yml}, the generator's own naming. */
  public static String fileName(ResourceKind kind) {
    return kind.plural() + "." + ServiceCatalog.GROUP + "-v1.yml";
  }

  /** Generates into {@code dir} and returns file name → content for the eight kinds. */
  public static Map<String, String> generate(Path dir) {
    try {
      Files.createDirectories(dir);
      try (Stream<Path> old = Files.list(dir)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
      new CRDGenerator()
          .inOutputDir(dir.toFile())
          .forCRDVersions("v1")
          .withParallelGenerationEnabled(false)
          .withPostProcessor(new DeclaredOrderAndClassDescriptions())
          .customResourceClasses(
              Arrays.stream(ResourceKind.values())
                  .<Class<? extends HasMetadata>>map(ResourceKind::type)
                  .toList())
          .generate();
      Map<String, String> out = new TreeMap<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.toList()) {
          out.put(p.getFileName().toString(), Files.readString(p));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Printer columns in the order of the {@code @AdditionalPrinterColumn}s on the kind class;
   * descriptions of the object, spec and status from their classes.
   */
  static final class DeclaredOrderAndClassDescriptions implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      if (!(crd instanceof CustomResourceDefinition d)) {
        return crd;
      }
      ResourceKind kind = ResourceKind.fromPlural(d.getSpec().getNames().getPlural()).orElseThrow();
      List<String> declared =
          Arrays.stream(kind.type().getAnnotationsByType(AdditionalPrinterColumn.class))
              .map(AdditionalPrinterColumn::jsonPath)
              .toList();
      for (CustomResourceDefinitionVersion v : d.getSpec().getVersions()) {
        if (v.getAdditionalPrinterColumns() == null) {
          continue;
        }
        List<CustomResourceColumnDefinition> cols =
            new ArrayList<>(v.getAdditionalPrinterColumns());
        cols.sort(Comparator.comparingInt(c -> position(declared, c.getJsonPath())));
        v.setAdditionalPrinterColumns(cols);
      }
      for (CustomResourceDefinitionVersion v : d.getSpec().getVersions()) {
        JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
        root.setDescription(description(kind.type()));
        Type[] specAndStatus =
            ((ParameterizedType) kind.type().getGenericSuperclass()).getActualTypeArguments();
        describe(root, "spec", (Class<?>) specAndStatus[0]);
        describe(root, "status", (Class<?>) specAndStatus[1]);
      }
      return crd;
    }

    private static void describe(JSONSchemaProps root, String property, Class<?> type) {
      JSONSchemaProps p = root.getProperties().get(property);
      if (p != null) {
        p.setDescription(description(type));
      }
    }

    private static String description(Class<?> type) {
      JsonClassDescription d = type.getAnnotation(JsonClassDescription.class);
      return d == null ? null : d.value();
    }

    private static int position(List<String> declared, String jsonPath) {
      int i = declared.indexOf(jsonPath);
      return i < 0 ? Integer.MAX_VALUE : i;
    }
  }
}
