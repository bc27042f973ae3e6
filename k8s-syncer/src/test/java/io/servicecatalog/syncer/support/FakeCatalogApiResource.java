package io.servicecatalog.syncer.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts the {@link FakeCatalogApi} before the application and points the syncer at it. */
public class FakeCatalogApiResource implements QuarkusTestResourceLifecycleManager {
  private static volatile FakeCatalogApi fake;

  public static FakeCatalogApi fake() {
    return fake;
  }

  @Override
  public Map<String, String> start() {
    fake = FakeCatalogApi.start();
    return Map.of("servicecatalog.catalog-api.url", fake.url());
  }

  @Override
  public void stop() {
    if (fake != null) {
      fake.close();
    }
  }
}
