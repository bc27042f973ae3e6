package io.servicecatalog.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.CustomResource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.servicecatalog.api.admission.Admission;
import io.servicecatalog.api.admission.Bodies;
import io.servicecatalog.api.events.OutboxRelay;
import io.servicecatalog.api.lifecycle.Lifecycle;
import io.servicecatalog.api.store.ResourceEntity;
import io.servicecatalog.api.store.ResourceStore;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.Names;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The catalog's resources at the paths kube-apiserver would serve them:
 * {@code /apis/servicecatalog.k8s.io/v1beta1/[namespaces/{ns}/]{plural}[/{name}]}.
 */
@Path("/apis/" + ServiceCatalog.GROUP + "/" + ServiceCatalog.VERSION)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "servicecatalog.k8s.io/v1beta1")
public class ResourceEndpoint {
  private static final String YAML = "application/yaml";

  @Inject ResourceStore store;
  @Inject Lifecycle lifecycle;
  @Inject OutboxRelay relay;

  @GET
  @Operation(summary = "API discovery: the kinds served in servicecatalog.k8s.io/v1beta1")
  public ObjectNode discovery() {
    ObjectNode list = Json.MAPPER.createObjectNode();
    list.put("kind", "APIResourceList").put("apiVersion", "v1").put("groupVersion", ServiceCatalog.API_VERSION);
    ArrayNode resources = list.putArray("resources");
    for (ResourceKind k : ResourceKind.values()) {
      ObjectNode r = resources.addObject();
      r.put("name", k.plural()).put("singularName", k.kind().toLowerCase()).put("namespaced", k.namespaced())
          .put("kind", k.kind());
      ArrayNode verbs = r.putArray("verbs");
      List.of("create", "delete", "get", "list").forEach(verbs::add);
    }
    return list;
  }

  // --------------------------------------------------------- cluster scope

  @GET
  @Path("{plural}")
  @Operation(summary = "List cluster-scoped objects, or namespaced ones across all namespaces")
  public Uni<ObjectNode> listAll(@PathParam("plural") String plural) {
    ResourceKind kind = kind(plural);
    return Panache.withSession(() -> store.list(kind, null)).map(rows -> list(kind, rows));
  }

  @GET
  @Path("{plural}/{name}")
  @Operation(summary = "Read a cluster-scoped object")
  public Uni<Response> getCluster(@PathParam("plural") String plural, @PathParam("name") String name) {
    return get(clusterKind(plural), null, name);
  }

  @POST
  @Path("{plural}")
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", MediaType.TEXT_PLAIN, MediaType.WILDCARD})
  @Operation(summary = "Create a cluster-scoped object (JSON or YAML)")
  public Uni<Response> createCluster(@PathParam("plural") String plural,
      @HeaderParam("Content-Type") String contentType, String body) {
    return create(clusterKind(plural), null, contentType, body);
  }

  @DELETE
  @Path("{plural}/{name}")
  @Operation(summary = "Delete a cluster-scoped object")
  public Uni<Response> deleteCluster(@PathParam("plural") String plural, @PathParam("name") String name) {
    return delete(clusterKind(plural), null, name);
  }

  // ------------------------------------------------------- namespace scope

  @GET
  @Path("namespaces/{namespace}/{plural}")
  @Operation(summary = "List namespaced objects in one namespace")
  public Uni<ObjectNode> listNamespaced(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural) {
    ResourceKind kind = namespacedKind(plural, namespace);
    return Panache.withSession(() -> store.list(kind, namespace)).map(rows -> list(kind, rows));
  }

  @GET
  @Path("namespaces/{namespace}/{plural}/{name}")
  @Operation(summary = "Read a namespaced object")
  public Uni<Response> getNamespaced(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural, @PathParam("name") String name) {
    return get(namespacedKind(plural, namespace), namespace, name);
  }

  @POST
  @Path("namespaces/{namespace}/{plural}")
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", MediaType.TEXT_PLAIN, MediaType.WILDCARD})
  @Operation(summary = "Create a namespaced object (JSON or YAML)")
  public Uni<Response> createNamespaced(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural, @HeaderParam("Content-Type") String contentType, String body) {
    return create(namespacedKind(plural, namespace), namespace, contentType, body);
  }

  @DELETE
  @Path("namespaces/{namespace}/{plural}/{name}")
  @Operation(summary = "Delete a namespaced object; it goes once the broker has let go of it")
  public Uni<Response> deleteNamespaced(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural, @PathParam("name") String name) {
    return delete(namespacedKind(plural, namespace), namespace, name);
  }

  // ------------------------------------------------------------ behaviour

  private Uni<Response> get(ResourceKind kind, String namespace, String name) {
    return Panache.withSession(() -> store.find(kind, namespace, name)).map(e -> {
      if (e == null) {
        throw ApiException.notFound(kind.plural(), name);
      }
      return Response.ok(raw(e)).build();
    });
  }

  private Uni<Response> create(ResourceKind kind, String namespace, String contentType, String body) {
    JsonNode node = Bodies.parse(body, contentType);
    CustomResource<?, ?> obj = Admission.admitCreate(kind, namespace, node);
    return Panache.withTransaction(() -> lifecycle.create(kind, obj))
        .invoke(relay::kick)
        .map(created -> Response.status(Response.Status.CREATED).entity(created).build());
  }

  private Uni<Response> delete(ResourceKind kind, String namespace, String name) {
    return Panache.withTransaction(() -> lifecycle.delete(kind, namespace, name))
        .invoke(relay::kick)
        .map(obj -> Response.ok(obj).build());
  }

  private static ResourceKind kind(String plural) {
    return ResourceKind.fromPlural(plural).orElseThrow(() -> ApiException.of(404, "NotFound",
        "the server doesn't have a resource type \"" + plural + "\" in " + ServiceCatalog.API_VERSION,
        null, null, List.of()));
  }

  private static ResourceKind clusterKind(String plural) {
    ResourceKind k = kind(plural);
    if (k.namespaced()) {
      throw ApiException.of(404, "NotFound", k.plural() + " are namespaced: use /apis/"
          + ServiceCatalog.API_VERSION + "/namespaces/{namespace}/" + k.plural(), null, null, List.of());
    }
    return k;
  }

  private static ResourceKind namespacedKind(String plural, String namespace) {
    ResourceKind k = kind(plural);
    if (!k.namespaced()) {
      throw ApiException.of(404, "NotFound", k.plural() + " are cluster-scoped: use /apis/"
          + ServiceCatalog.API_VERSION + "/" + k.plural(), null, null, List.of());
    }
    String problem = Names.validateLabel(namespace);
    if (problem != null) {
      throw ApiException.badRequest("invalid namespace \"" + namespace + "\": " + problem);
    }
    return k;
  }

  private static ObjectNode list(ResourceKind kind, List<ResourceEntity> rows) {
    ObjectNode list = Json.MAPPER.createObjectNode();
    list.put("apiVersion", ServiceCatalog.API_VERSION).put("kind", kind.kind() + "List");
    long rv = rows.stream().mapToLong(r -> r.resourceVersion).max().orElse(0);
    list.putObject("metadata").put("resourceVersion", Long.toString(rv));
    ArrayNode items = list.putArray("items");
    rows.forEach(r -> items.add(raw(r)));
    return list;
  }

  private static JsonNode raw(ResourceEntity e) {
    try {
      return Json.MAPPER.readTree(e.body);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }
}
