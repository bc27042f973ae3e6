package io.servicecatalog.injector.catalogapi;

import io.servicecatalog.model.auth.CatalogApiToken;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * catalog-api authenticates every request: this service's bearer token goes on each call
 * ({@code servicecatalog.catalog-api.token}, or {@code servicecatalog.catalog-api.token-file},
 * read again when the file changes).
 */
public class CatalogApiAuthentication implements ClientRequestFilter {
  private final CatalogApiToken token = new CatalogApiToken(
      ConfigProvider.getConfig().getOptionalValue("servicecatalog.catalog-api.token", String.class),
      ConfigProvider.getConfig().getOptionalValue("servicecatalog.catalog-api.token-file", String.class));

  @Override
  public void filter(ClientRequestContext request) {
    token.authorization().ifPresent(a -> request.getHeaders().putSingle("Authorization", a));
  }
}
