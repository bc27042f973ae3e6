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
import io.servicecatalog.api.store.Actor;
import io.servicecatalog.api.store.ResourceEntity;
import io.servicecatalog.api.store.ResourceStore;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.Names;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import org.jboss.resteasy.reactive.RestMulti;
import io.servicecatalog.api.query.ListStream;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.QueryParam;
import io.servicecatalog.api.query.Cursor;
import io.servicecatalog.api.query.Lister;
import io.servicecatalog.api.query.Selector;
import io.servicecatalog.api.query.Tables;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceInstance;
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
  @Inject Lister lister;
  @Inject CurrentVertxRequest request;

  private io.servicecatalog.model.v1beta1.UserInfo caller() {
    return Callers.of(request.getCurrent());
  }

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
      List.of("create", "delete", "get", "list", "patch", "update", "watch").forEach(verbs::add);
      r.putArray("categories").add("servicecatalog");
      var shortNames = k.type().getAnnotation(io.fabric8.kubernetes.model.annotation.ShortNames.class);
      if (shortNames != null) {
        ArrayNode sn = r.putArray("shortNames");
        for (String n : shortNames.value()) {
          sn.add(n);
        }
      }
      ObjectNode status = resources.addObject();
      status.put("name", k.plural() + "/status").put("singularName", "").put("namespaced", k.namespaced())
          .put("kind", k.kind());
      ArrayNode statusVerbs = status.putArray("verbs");
      List.of("get", "patch", "update").forEach(statusVerbs::add);
    }
    return list;
  }

  // --------------------------------------------------------- cluster scope

  @GET
  @Path("{plural}")
  @Operation(summary = "List cluster-scoped objects, or namespaced ones across all namespaces")
  public Multi<Buffer> listAll(@PathParam("plural") String plural, @BeanParam ListParams params) {
    return list(kind(plural), null, params);
  }

  @GET
  @Path("{plural}/{name}")
  @Operation(summary = "Read a cluster-scoped object")
  public Uni<Response> getCluster(@PathParam("plural") String plural, @PathParam("name") String name,
      @HeaderParam("Accept") String accept) {
    return get(clusterKind(plural), null, name, accept);
  }

  @POST
  @Path("{plural}")
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", MediaType.TEXT_PLAIN, MediaType.WILDCARD})
  @Operation(summary = "Create a cluster-scoped object (JSON or YAML)")
  public Uni<Response> createCluster(@PathParam("plural") String plural, @Context HttpHeaders headers,
      String body) {
    return create(clusterKind(plural), null, headers, body);
  }

  @PUT
  @Path("{plural}/{name}")
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", MediaType.WILDCARD})
  @Operation(summary = "Replace a cluster-scoped object (metadata.resourceVersion must be current)")
  public Uni<Response> replaceCluster(@PathParam("plural") String plural, @PathParam("name") String name,
      @Context HttpHeaders headers, String body) {
    return replace(clusterKind(plural), null, name, headers, body, Admission.Target.MAIN);
  }

  @PATCH
  @Path("{plural}/{name}")
  @Consumes(MediaType.WILDCARD)
  @Operation(summary = "Patch a cluster-scoped object (merge patch or JSON patch)")
  public Uni<Response> patchCluster(@PathParam("plural") String plural, @PathParam("name") String name,
      @Context HttpHeaders headers, String body) {
    return patch(clusterKind(plural), null, name, headers, body, Admission.Target.MAIN);
  }

  @GET
  @Path("{plural}/{name}/status")
  @Operation(summary = "Read a cluster-scoped object's status subresource")
  public Uni<Response> getClusterStatus(@PathParam("plural") String plural, @PathParam("name") String name) {
    return get(clusterKind(plural), null, name, null);
  }

  @PUT
  @Path("{plural}/{name}/status")
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", MediaType.WILDCARD})
  @Operation(summary = "Replace a cluster-scoped object's status")
  public Uni<Response> replaceClusterStatus(@PathParam("plural") String plural, @PathParam("name") String name,
      @Context HttpHeaders headers, String body) {
    return replace(clusterKind(plural), null, name, headers, body, Admission.Target.STATUS);
  }

  @PATCH
  @Path("{plural}/{name}/status")
  @Consumes(MediaType.WILDCARD)
  @Operation(summary = "Patch a cluster-scoped object's status")
  public Uni<Response> patchClusterStatus(@PathParam("plural") String plural, @PathParam("name") String name,
      @Context HttpHeaders headers, String body) {
    return patch(clusterKind(plural), null, name, headers, body, Admission.Target.STATUS);
  }

  @DELETE
  @Path("{plural}/{name}")
  @Operation(summary = "Delete a cluster-scoped object")
  public Uni<Response> deleteCluster(@PathParam("plural") String plural, @PathParam("name") String name,
      @Context HttpHeaders headers) {
    return delete(clusterKind(plural), null, name, headers);
  }

  // ------------------------------------------------------- namespace scope

  @GET
  @Path("namespaces/{namespace}/{plural}")
  @Operation(summary = "List namespaced objects in one namespace")
  public Multi<Buffer> listNamespaced(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural, @BeanParam ListParams params) {
    return list(namespacedKind(plural, namespace), namespace, params);
  }

  @GET
  @Path("namespaces/{namespace}/{plural}/{name}")
  @Operation(summary = "Read a namespaced object")
  public Uni<Response> getNamespaced(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural, @PathParam("name") String name, @HeaderParam("Accept") String accept) {
    return get(namespacedKind(plural, namespace), namespace, name, accept);
  }

  @POST
  @Path("namespaces/{namespace}/{plural}")
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", MediaType.TEXT_PLAIN, MediaType.WILDCARD})
  @Operation(summary = "Create a namespaced object (JSON or YAML)")
  public Uni<Response> createNamespaced(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural, @Context HttpHeaders headers, String body) {
    return create(namespacedKind(plural, namespace), namespace, headers, body);
  }

  @PUT
  @Path("namespaces/{namespace}/{plural}/{name}")
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", MediaType.WILDCARD})
  @Operation(summary = "Replace a namespaced object (metadata.resourceVersion must be current)")
  public Uni<Response> replaceNamespaced(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural, @PathParam("name") String name, @Context HttpHeaders headers,
      String body) {
    return replace(namespacedKind(plural, namespace), namespace, name, headers, body, Admission.Target.MAIN);
  }

  @PATCH
  @Path("namespaces/{namespace}/{plural}/{name}")
  @Consumes(MediaType.WILDCARD)
  @Operation(summary = "Patch a namespaced object (merge patch or JSON patch)")
  public Uni<Response> patchNamespaced(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural, @PathParam("name") String name, @Context HttpHeaders headers,
      String body) {
    return patch(namespacedKind(plural, namespace), namespace, name, headers, body, Admission.Target.MAIN);
  }

  @GET
  @Path("namespaces/{namespace}/{plural}/{name}/status")
  @Operation(summary = "Read a namespaced object's status subresource")
  public Uni<Response> getNamespacedStatus(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural, @PathParam("name") String name) {
    return get(namespacedKind(plural, namespace), namespace, name, null);
  }

  @PUT
  @Path("namespaces/{namespace}/{plural}/{name}/status")
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", MediaType.WILDCARD})
  @Operation(summary = "Replace a namespaced object's status")
  public Uni<Response> replaceNamespacedStatus(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural, @PathParam("name") String name, @Context HttpHeaders headers,
      String body) {
    return replace(namespacedKind(plural, namespace), namespace, name, headers, body, Admission.Target.STATUS);
  }

  @PATCH
  @Path("namespaces/{namespace}/{plural}/{name}/status")
  @Consumes(MediaType.WILDCARD)
  @Operation(summary = "Patch a namespaced object's status")
  public Uni<Response> patchNamespacedStatus(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural, @PathParam("name") String name, @Context HttpHeaders headers,
      String body) {
    return patch(namespacedKind(plural, namespace), namespace, name, headers, body, Admission.Target.STATUS);
  }

  @DELETE
  @Path("namespaces/{namespace}/{plural}/{name}")
  @Operation(summary = "Delete a namespaced object; it goes once the broker has let go of it")
  public Uni<Response> deleteNamespaced(@PathParam("namespace") String namespace,
      @PathParam("plural") String plural, @PathParam("name") String name, @Context HttpHeaders headers) {
    return delete(namespacedKind(plural, namespace), namespace, name, headers);
  }

  // ------------------------------------------------------------ behaviour

  private Uni<Response> get(ResourceKind kind, String namespace, String name, String accept) {
    existingName(kind, name);
    return Panache.withSession(() -> store.find(kind, namespace, name)).map(e -> {
      if (e == null) {
        throw ApiException.notFound(kind.plural(), name);
      }
      if (Tables.wanted(accept)) {
        return Response.ok(Tables.table(kind, List.of(raw(e)), null, null)).build();
      }
      return Response.ok(raw(e)).build();
    });
  }

  /** Query parameters of a list, as kubectl and client-go send them. */
  public static class ListParams {
    @QueryParam("labelSelector") public String labelSelector;
    @QueryParam("fieldSelector") public String fieldSelector;
    @QueryParam("limit") public Integer limit;
    @QueryParam("continue") public String continueToken;
    @HeaderParam("Accept") public String accept;
  }

  /**
   * Streamed, so that a list without limit is never held whole. Bad parameters are refused here,
   * and a failure reading the first page still becomes a Status; one after that can only end the
   * connection, as with kube-apiserver.
   */
  private Multi<Buffer> list(ResourceKind kind, String namespace, ListParams p) {
    Selector selector = Selector.parse(p.labelSelector, p.fieldSelector);
    Cursor from = Cursor.decode(p.continueToken);
    boolean whole = p.limit == null || p.limit <= 0;
    Multi<Buffer> chunks = ListStream.encode(kind, Tables.wanted(p.accept), whole,
        lister.pages(kind, namespace, selector, p.limit, from));
    return RestMulti.fromMultiData(chunks).encodeAsJsonArray(false).build();
  }

  private Uni<Response> create(ResourceKind kind, String namespace, HttpHeaders headers, String body) {
    io.servicecatalog.model.v1beta1.UserInfo who = caller();
    Actor.set(new Actor(who, "create"));
    JsonNode node = Bodies.parse(body, headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
    CustomResource<?, ?> obj = Admission.admitCreate(kind, namespace, node);
    // Like the original's admission webhook: the identity is the caller's, not what was sent.
    if (obj instanceof ServiceInstance si) {
      si.getSpec().userInfo = who;
    } else if (obj instanceof ServiceBinding sb) {
      sb.getSpec().userInfo = who;
    }
    return Panache.withTransaction(() -> lifecycle.create(kind, obj))
        .invoke(relay::kick)
        .map(created -> Response.status(Response.Status.CREATED).entity(created).build());
  }

  private Uni<Response> replace(ResourceKind kind, String namespace, String name, HttpHeaders headers,
      String body, Admission.Target target) {
    io.servicecatalog.model.v1beta1.UserInfo who = caller();
    Actor.set(new Actor(who, target == Admission.Target.STATUS ? "status" : "update"));
    existingName(kind, name);
    JsonNode node = Bodies.parse(body, headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
    return Panache.withTransaction(() -> lifecycle.update(kind, namespace, name, current -> node, target,
            who))
        .invoke(relay::kick)
        .map(obj -> Response.ok(obj).build());
  }

  private Uni<Response> patch(ResourceKind kind, String namespace, String name, HttpHeaders headers,
      String body, Admission.Target target) {
    io.servicecatalog.model.v1beta1.UserInfo who = caller();
    Actor.set(new Actor(who, target == Admission.Target.STATUS ? "status" : "patch"));
    existingName(kind, name);
    String type = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
    JsonNode patch = Bodies.parseAny(body);
    return Panache.withTransaction(() -> lifecycle.update(kind, namespace, name,
            current -> Patches.apply(type, current, patch), target, who))
        .invoke(relay::kick)
        .map(obj -> Response.ok(obj).build());
  }

  private Uni<Response> delete(ResourceKind kind, String namespace, String name, HttpHeaders headers) {
    existingName(kind, name);
    io.servicecatalog.model.v1beta1.UserInfo who = caller();
    Actor.set(new Actor(who, "delete"));
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

  /**
   * A name no object can have is not looked up: it is not found. A NUL character cannot be in any
   * stored name, and PostgreSQL refuses it in a query parameter (SQLSTATE 22021, was a 500).
   */
  private static void existingName(ResourceKind kind, String name) {
    if (name == null || name.indexOf('\u0000') >= 0) {
      throw ApiException.notFound(kind.plural(), name);
    }
  }

  private static JsonNode raw(ResourceEntity e) {
    try {
      return Json.MAPPER.readTree(e.body);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }
}
