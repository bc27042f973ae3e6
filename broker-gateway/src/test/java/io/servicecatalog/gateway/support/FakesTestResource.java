package io.servicecatalog.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Starts the fake broker and the catalog-api stand-in, and points the gateway at the latter. */
public class FakesTestResource implements QuarkusTestResourceLifecycleManager {
  private static FakeBroker broker;
  private static FakeCatalogApi catalogApi;

  public static FakeBroker broker() {
    return broker;
  }

  public static FakeCatalogApi catalogApi() {
    return catalogApi;
  }

  @Override
  public Map<String, String> start() {
    try {
      broker = new FakeBroker();
      catalogApi = new FakeCatalogApi();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of("servicecatalog.catalog-api.url", catalogApi.url());
  }

  @Override
  public void stop() {
    if (broker != null) {
      broker.stop();
    }
    if (catalogApi != null) {
      catalogApi.stop();
    }
  }
}
