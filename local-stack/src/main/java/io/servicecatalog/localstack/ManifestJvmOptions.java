package io.servicecatalog.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM options a service runs with in a cluster: {@code JAVA_TOOL_OPTIONS} of its Deployment
 * in {@code k8s/<service>/deployment.yaml}. The benchmark runs the services with these, so that
 * what it measures (RSS in particular) is what the manifests give.
 */
public final class ManifestJvmOptions {
  private static final Pattern JAVA_TOOL_OPTIONS =
      Pattern.compile("- name: JAVA_TOOL_OPTIONS\\s*\\n\\s*value: \"([^\"]*)\"");

  private ManifestJvmOptions() {}

  public static Path deployment(Path root, String service) {
    return root.resolve("k8s").resolve(service).resolve("deployment.yaml");
  }

  /** The options of each of {@code services} whose manifest sets them (none when no repository root is found). */
  public static Map<String, List<String>> of(List<String> services) {
    Map<String, List<String>> byService = new LinkedHashMap<>();
    Path root = LocalStack.findRoot();
    if (root != null) {
      for (String service : services) {
        of(root, service).ifPresent(o -> byService.put(service, o));
      }
    }
    return byService;
  }

  /** The options, split on blanks; empty when the manifest is missing or sets none. */
  public static Optional<List<String>> of(Path root, String service) {
    Path file = deployment(root, service);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      Matcher m = JAVA_TOOL_OPTIONS.matcher(Files.readString(file));
      return m.find() ? Optional.of(List.of(m.group(1).trim().split("\\s+"))) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
