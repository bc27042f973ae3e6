package io.servicecatalog.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.ResourceKind;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The OpenAPI v3 documents kubectl downloads (as from kube-apiserver) before it creates or
 * explains objects. Each kind is named with its group/version/kind so kubectl recognises it;
 * fields are validated by catalog-api itself, which answers with a Status naming the field.
 * (The service's own API description is at /q/openapi.)
 */
@Path("/openapi/v3")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "discovery")
public class KubectlOpenApiEndpoint {
  private static final String GROUP_PATH = "apis/" + ServiceCatalog.GROUP + "/" + ServiceCatalog.VERSION;

  @GET
  @Operation(summary = "Index of OpenAPI v3 documents, per group/version")
  public ObjectNode index() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.putObject("paths").putObject(GROUP_PATH)
        .put("serverRelativeURL", "/openapi/v3/" + GROUP_PATH + "?hash=" + ServiceCatalog.VERSION);
    return root;
  }

  @GET
  @Path(GROUP_PATH)
  @Operation(summary = "OpenAPI v3 document of servicecatalog.k8s.io/v1beta1 for kubectl")
  public ObjectNode groupVersion() {
    ObjectNode doc = Json.MAPPER.createObjectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Service Catalog").put("version", ServiceCatalog.VERSION);
    // kubectl validates on the server when the write paths accept fieldValidation (they do:
    // catalog-api validates every object and names the offending field).
    ObjectNode paths = doc.putObject("paths");
    for (ResourceKind k : ResourceKind.values()) {
      String base = "/apis/" + ServiceCatalog.API_VERSION + (k.namespaced() ? "/namespaces/{namespace}/" : "/") + k.plural();
      writeOps(paths.putObject(base), k, "post");
      writeOps(paths.putObject(base + "/{name}"), k, "put", "patch");
    }
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    for (ResourceKind k : ResourceKind.values()) {
      ObjectNode s = schemas.putObject("io.k8s.servicecatalog." + ServiceCatalog.VERSION + "." + k.kind());
      s.put("type", "object").put("description", k.kind() + " of " + ServiceCatalog.API_VERSION)
          .put("x-kubernetes-preserve-unknown-fields", true);
      s.putArray("x-kubernetes-group-version-kind").addObject()
          .put("group", ServiceCatalog.GROUP).put("version", ServiceCatalog.VERSION).put("kind", k.kind());
    }
    return doc;
  }

  private static void writeOps(ObjectNode path, ResourceKind k, String... verbs) {
    for (String verb : verbs) {
      ObjectNode op = path.putObject(verb);
      op.put("operationId", verb + k.kind());
      op.putArray("parameters").addObject().put("name", "fieldValidation").put("in", "query")
          .put("description", "Strict, Warn or Ignore: what to do with fields the kind does not have")
          .putObject("schema").put("type", "string");
      op.putObject("responses").putObject("200").put("description", "OK");
    }
  }
}
