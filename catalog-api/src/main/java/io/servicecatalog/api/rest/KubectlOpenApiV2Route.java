package io.servicecatalog.api.rest;

import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * OpenAPI v2, which kubectl still downloads before writing. It defines no types, so kubectl
 * leaves validation to the server (catalog-api validates every object itself; see the v3
 * document's fieldValidation parameters). kubectl asks for protobuf — a media type JAX-RS cannot
 * parse, hence a plain route — and an empty message is a valid empty document in that encoding.
 */
@ApplicationScoped
public class KubectlOpenApiV2Route {
  // What kube-apiserver answers with (the requested name has an @ that media-type parsers reject).
  static final String PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  void routes(@Observes Router router) {
    router.get("/openapi/v2").order(-100).handler(ctx -> {
      String accept = ctx.request().getHeader("Accept");
      if (accept != null && accept.contains("protobuf")) {
        ctx.response().putHeader("Content-Type", PROTOBUF).end();
        return;
      }
      var doc = Json.MAPPER.createObjectNode();
      doc.put("swagger", "2.0");
      doc.putObject("info").put("title", "Service Catalog").put("version", ServiceCatalog.VERSION);
      doc.putObject("paths");
      doc.putObject("definitions");
      ctx.response().putHeader("Content-Type", "application/json").end(doc.toString());
    });
  }
}
