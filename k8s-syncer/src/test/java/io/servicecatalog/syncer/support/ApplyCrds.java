package io.servicecatalog.syncer.support;

import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Installs the committed CRDs ({@code k8s/crds/}) in the mock API server before the application
 * starts, as {@code kubectl apply -k k8s/} does in a cluster: the mock then knows the kinds' scope
 * and serves their status subresource.
 */
public class ApplyCrds implements Consumer<KubernetesServer> {
  @Override
  public void accept(KubernetesServer server) {
    try (Stream<Path> files = Files.list(Repository.root().resolve("k8s/crds"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          server.getClient().apiextensions().v1().customResourceDefinitions().load(in).create();
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
