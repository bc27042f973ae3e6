package io.servicecatalog.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The discovery documents kubectl reads before anything else, so that {@code kubectl --server}
 * pointed straight at catalog-api finds the servicecatalog.k8s.io kinds.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "discovery")
public class DiscoveryEndpoint {

  @GET
  @Path("api")
  @Operation(summary = "Core API versions: none are served here")
  public ObjectNode coreVersions() {
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.put("kind", "APIVersions");
    v.putArray("versions");
    v.putArray("serverAddressByClientCIDRs");
    return v;
  }

  @GET
  @Path("apis")
  @Operation(summary = "API groups served: servicecatalog.k8s.io")
  public ObjectNode groups() {
    ObjectNode list = Json.MAPPER.createObjectNode();
    list.put("kind", "APIGroupList").put("apiVersion", "v1");
    ObjectNode g = list.putArray("groups").addObject();
    g.put("name", ServiceCatalog.GROUP);
    g.putArray("versions").addObject().put("groupVersion", ServiceCatalog.API_VERSION)
        .put("version", ServiceCatalog.VERSION);
    g.putObject("preferredVersion").put("groupVersion", ServiceCatalog.API_VERSION)
        .put("version", ServiceCatalog.VERSION);
    return list;
  }

  @GET
  @Path("apis/" + ServiceCatalog.GROUP)
  @Operation(summary = "The servicecatalog.k8s.io group")
  public ObjectNode group() {
    ObjectNode g = Json.MAPPER.createObjectNode();
    g.put("kind", "APIGroup").put("apiVersion", "v1").put("name", ServiceCatalog.GROUP);
    g.putArray("versions").addObject().put("groupVersion", ServiceCatalog.API_VERSION)
        .put("version", ServiceCatalog.VERSION);
    g.putObject("preferredVersion").put("groupVersion", ServiceCatalog.API_VERSION)
        .put("version", ServiceCatalog.VERSION);
    return g;
  }

  @GET
  @Path("version")
  @Operation(summary = "Server version, in kube-apiserver's shape")
  public ObjectNode version() {
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.put("major", "1").put("minor", "20").put("gitVersion", "v1.20.0-servicecatalog")
        .put("platform", System.getProperty("os.name").toLowerCase() + "/" + System.getProperty("os.arch"));
    return v;
  }
}
