package io.servicecatalog.syncer.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.syncer.reconcile.ObjectKey;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The custom resources in Kubernetes, read and written as JSON (generic resources, so no field the
 * model does not know is lost on the way through). Writes that replace the object carry its
 * resourceVersion: a concurrent change makes them fail with 409 instead of being overwritten.
 */
@ApplicationScoped
public class CustomResources {
  private final KubernetesClient client;

  public CustomResources(KubernetesClient client) {
    this.client = client;
  }

  public static ResourceDefinitionContext context(ResourceKind kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(ServiceCatalog.GROUP)
        .withVersion(ServiceCatalog.VERSION)
        .withKind(kind.kind())
        .withPlural(kind.plural())
        .withNamespaced(kind.namespaced())
        .build();
  }

  public MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      operation(ResourceKind kind) {
    return client.genericKubernetesResources(context(kind));
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      scoped(ResourceKind kind, String namespace) {
    return kind.namespaced() ? operation(kind).inNamespace(namespace) : operation(kind);
  }

  /** The custom resource as Kubernetes has it now (not from a cache), or null. */
  public ObjectNode get(ObjectKey key) {
    return json(scoped(key.kind(), key.namespace()).withName(key.name()).get());
  }

  public ObjectNode create(ObjectKey key, JsonNode object) {
    return json(scoped(key.kind(), key.namespace()).resource(resource(object)).create());
  }

  /** PUT of the main resource (status is ignored by Kubernetes there); 409 when stale. */
  public ObjectNode update(ObjectKey key, JsonNode object) {
    return json(scoped(key.kind(), key.namespace()).resource(resource(object)).update());
  }

  /** PUT of the status subresource; 409 when stale. */
  public ObjectNode updateStatus(ObjectKey key, JsonNode object) {
    return json(scoped(key.kind(), key.namespace()).resource(resource(object)).updateStatus());
  }

  /** JSON merge patch of the main resource (e.g. annotations only: needs no resourceVersion). */
  public ObjectNode mergePatch(ObjectKey key, JsonNode patch) {
    return json(
        scoped(key.kind(), key.namespace())
            .withName(key.name())
            .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString()));
  }

  public void delete(ObjectKey key) {
    scoped(key.kind(), key.namespace()).withName(key.name()).delete();
  }

  public static ObjectNode json(GenericKubernetesResource r) {
    return r == null ? null : (ObjectNode) Json.MAPPER.valueToTree(r);
  }

  public static GenericKubernetesResource resource(JsonNode object) {
    try {
      return Json.MAPPER.treeToValue(object, GenericKubernetesResource.class);
    } catch (Exception e) {
      throw new IllegalArgumentException("not a Kubernetes object: " + e.getMessage(), e);
    }
  }
}
