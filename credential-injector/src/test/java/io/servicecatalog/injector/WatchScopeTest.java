package io.servicecatalog.injector;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.servicecatalog.injector.testsupport.FakeCatalogApi;
import io.servicecatalog.injector.watch.ManagedSecretWatch;
import io.servicecatalog.testsupport.KafkaTestResource;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The watch asks kube-apiserver for the injector's Secrets only: with thousands of other Secrets
 * in the cluster, its cache holds just the labelled ones, and no credential data.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakeCatalogApi.class)
class WatchScopeTest extends InjectorTestBase {
  static final int UNRELATED = 2000;

  @Inject ManagedSecretWatch watch;

  private Secret secret(String ns, String name, boolean managed, boolean withUid) {
    SecretBuilder b = new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .endMetadata().addToData("password", b64("unrelated-" + name));
    if (managed) {
      b.editMetadata().addToLabels("app.kubernetes.io/managed-by", "service-catalog").endMetadata();
    }
    if (withUid) {
      b.editMetadata().addToLabels("servicecatalog.k8s.io/binding-uid", "uid-" + name)
          .endMetadata();
    }
    return b.build();
  }

  @Test
  void onlyTheInjectorsSecretsAreWatchedAndTheirDataIsNotKept() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> created = new ArrayList<>();
      for (int i = 0; i < UNRELATED; i++) {
        Secret s = secret("crowd", "unrelated-" + i, false, false);
        created.add(pool.submit(() -> kube.secrets().inNamespace("crowd").resource(s).create()));
      }
      for (Future<?> f : created) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
    // Labelled like ours but without a binding uid (someone else's), and two of ours.
    kube.secrets().inNamespace("crowd").resource(secret("crowd", "managed-no-uid", true, false)).create();
    kube.secrets().inNamespace("crowd").resource(secret("crowd", "ours-1", true, true)).create();
    kube.secrets().inNamespace("other").resource(secret("other", "ours-2", true, true)).create();

    int inCluster = kube.secrets().inAnyNamespace().list().getItems().size();
    assertTrue(inCluster > UNRELATED, "the cluster holds " + inCluster + " Secrets");
    Set<String> ours =
        kube.secrets().inAnyNamespace()
            .withLabel("app.kubernetes.io/managed-by", "service-catalog")
            .withLabel("servicecatalog.k8s.io/binding-uid").list().getItems().stream()
            .map(WatchScopeTest::key).collect(Collectors.toSet());
    assertTrue(ours.contains("crowd/ours-1") && ours.contains("other/ours-2"));

    // The running watch.
    await().atMost(WAIT).until(() -> keys(watch.cached()).equals(ours));
    for (Secret s : watch.cached()) {
      assertTrue(s.getData() == null || s.getData().isEmpty(), "no data in the cache");
      assertTrue(s.getStringData() == null || s.getStringData().isEmpty());
    }

    // A watch started now, over the same cluster, lists only ours too, and its handler gets
    // the listed Secrets themselves (with data), not the stripped copies of its cache.
    ItemStore<Secret> cache = ManagedSecretWatch.newCache();
    List<Secret> added = new java.util.concurrent.CopyOnWriteArrayList<>();
    SharedIndexInformer<Secret> informer = ManagedSecretWatch.informer(kube, cache,
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Secret obj) {
            added.add(obj);
          }

          @Override
          public void onUpdate(Secret oldObj, Secret newObj) {}

          @Override
          public void onDelete(Secret obj, boolean deletedFinalStateUnknown) {}
        });
    try {
      informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(ours, cache.values().map(WatchScopeTest::key).collect(Collectors.toSet()));
      await().atMost(WAIT).until(() -> keys(added).equals(ours));
      assertTrue(added.stream().allMatch(s -> s.getData() != null && !s.getData().isEmpty()),
          "handlers see the data of the listed Secrets");
    } finally {
      informer.stop();
    }
  }

  private static Set<String> keys(List<Secret> secrets) {
    return secrets.stream().map(WatchScopeTest::key).collect(Collectors.toSet());
  }

  private static String key(Secret s) {
    return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
  }
}
