package io.servicecatalog.syncer.catalogapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.servicecatalog.model.auth.CatalogApiToken;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.syncer.reconcile.ObjectKey;
import io.servicecatalog.syncer.support.FakeCatalogApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** catalog-api authenticates every request: the syncer's token goes on each, read again when its file changes. */
class CatalogApiAuthenticationTest {

  @Test
  void everyRequestCarriesTheTokenFromTheFileAsItIsNow(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "first-token\n");
    try (FakeCatalogApi fake = FakeCatalogApi.start()) {
      CatalogApi api = new CatalogApi(fake.url(), Duration.ofSeconds(2), Duration.ofSeconds(5),
          new CatalogApiToken(Optional.empty(), Optional.of(file.toString())));
      api.list(ResourceKind.CLUSTER_SERVICE_CLASS);
      api.get(ObjectKey.of(ResourceKind.CLUSTER_SERVICE_CLASS, null, "absent"));
      Files.writeString(file, "rotated-token\n");
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
      api.list(ResourceKind.CLUSTER_SERVICE_PLAN);

      var requests = fake.requests();
      assertEquals(3, requests.size(), requests.toString());
      assertEquals("Bearer first-token", requests.get(0).header("Authorization"));
      assertEquals("Bearer first-token", requests.get(1).header("Authorization"));
      assertEquals("Bearer rotated-token", requests.get(2).header("Authorization"));
    }
  }

  @Test
  void withoutATokenNoneIsSent() throws Exception {
    try (FakeCatalogApi fake = FakeCatalogApi.start()) {
      new CatalogApi(fake.url(), Duration.ofSeconds(2), Duration.ofSeconds(5))
          .list(ResourceKind.CLUSTER_SERVICE_CLASS);
      assertNull(fake.requests().get(0).header("Authorization"));
    }
  }
}
