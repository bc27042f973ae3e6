package io.servicecatalog.localstack;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * The one place the end-to-end tests authenticate to catalog-api: a RestAssured filter that puts
 * the stack's admin token on every request to catalog-api (and on nothing else: the example
 * broker has its own basic auth). A request that sets its own Authorization header keeps it.
 */
final class CatalogApiAuth {
  private static Filter installed;

  private CatalogApiAuth() {}

  static synchronized void install(LocalStack stack) {
    uninstall();
    String base = stack.catalogApiUrl();
    String authorization = "Bearer " + stack.adminToken();
    installed = (request, response, ctx) -> {
      if (request.getURI().startsWith(base) && !request.getHeaders().hasHeaderWithName("Authorization")) {
        request.header("Authorization", authorization);
      }
      return ctx.next(request, response);
    };
    RestAssured.filters(installed);
  }

  static synchronized void uninstall() {
    if (installed != null) {
      var remaining = new java.util.ArrayList<>(RestAssured.filters());
      remaining.remove(installed);
      RestAssured.replaceFiltersWith(remaining);
      installed = null;
    }
  }
}
