package io.servicecatalog.api.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.servicecatalog.model.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body over {@code quarkus.http.limits.max-body-size} is refused before it is read, as a
 * Kubernetes Status 413 RequestEntityTooLarge (Vert.x would answer a bare 413 with no body).
 * Applies to requests that declare their length; a chunked body over the limit is cut off by
 * Quarkus itself.
 */
@ApplicationScoped
public class BodyLimitRoute {
  @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
  MemorySize maxBodySize;

  void routes(@Observes Router router) {
    router.route().order(-200).handler(this::check);
  }

  private void check(RoutingContext ctx) {
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    long declared;
    try {
      declared = length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      declared = -1;
    }
    long max = maxBodySize.asLongValue();
    if (declared > max) {
      var status = ApiException.of(413, "RequestEntityTooLarge", "the request body is " + declared
          + " bytes; the limit is " + max + " bytes", null, null, List.of()).status();
      status.setApiVersion("v1");
      status.setKind("Status");
      try {
        String json = Json.MAPPER.writeValueAsString(status);
        ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CONNECTION, "close").end(json);
      } catch (Exception e) {
        ctx.fail(413);
      }
      return;
    }
    ctx.next();
  }
}
