package io.servicecatalog.syncer.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root (k8s/, examples/), from -Drepository.root or by walking up. */
public final class Repository {
  private Repository() {}

  public static Path root() {
    String configured = System.getProperty("repository.root");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      if (Files.isDirectory(p.resolve("k8s")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
      p = p.getParent();
    }
    throw new IllegalStateException("repository root (with k8s/) not found; set -Drepository.root");
  }
}
