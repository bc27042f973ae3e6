package io.servicecatalog.gateway.catalogapi;

import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBrokerSpec;
import io.servicecatalog.model.v1beta1.ServiceBrokerStatus;
import io.servicecatalog.model.v1beta1.ServiceClassSpec;
import io.servicecatalog.model.v1beta1.ServiceClassStatus;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.model.v1beta1.ServicePlanSpec;
import io.servicecatalog.model.v1beta1.ServicePlanStatus;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Reads of current resource state from catalog-api; "not found" is a null item, any other
 * failure (catalog-api down, 5xx) fails the Uni so the caller retries later. Brokers, classes
 * and plans come in both scopes: a null namespace means the cluster-scoped kind.
 */
@ApplicationScoped
public class CatalogApi {

  private final CatalogApiClient client;
  private final CatalogObjectCache cache;

  public CatalogApi(@RestClient CatalogApiClient client, CatalogObjectCache cache) {
    this.client = client;
    this.cache = cache;
  }

  /** The broker of that scope: cluster-scoped when {@code namespace} is null. */
  public Uni<CustomResource<ServiceBrokerSpec, ServiceBrokerStatus>> broker(String namespace, String name) {
    if (name == null) {
      return nothing();
    }
    return namespace == null
        ? cached(ResourceKind.CLUSTER_SERVICE_BROKER, null, name, () -> client.broker(name))
        : cached(ResourceKind.SERVICE_BROKER, namespace, name, () -> client.namespacedBroker(namespace, name));
  }

  public Uni<CustomResource<ServiceClassSpec, ServiceClassStatus>> serviceClass(String namespace, String name) {
    if (name == null) {
      return nothing();
    }
    return namespace == null
        ? cached(ResourceKind.CLUSTER_SERVICE_CLASS, null, name, () -> client.serviceClass(name))
        : cached(ResourceKind.SERVICE_CLASS, namespace, name, () -> client.namespacedServiceClass(namespace, name));
  }

  public Uni<CustomResource<ServicePlanSpec, ServicePlanStatus>> plan(String namespace, String name) {
    if (name == null) {
      return nothing();
    }
    return namespace == null
        ? cached(ResourceKind.CLUSTER_SERVICE_PLAN, null, name, () -> client.plan(name))
        : cached(ResourceKind.SERVICE_PLAN, namespace, name, () -> client.namespacedPlan(namespace, name));
  }

  public Uni<ServiceInstance> instance(String namespace, String name) {
    return name == null ? nothing() : orNull(client.instance(namespace, name));
  }

  public Uni<ServiceBinding> binding(String namespace, String name) {
    return name == null ? nothing() : orNull(client.binding(namespace, name));
  }

  /** Brokers of both scopes (a catalog-api without namespaced brokers yields the cluster ones). */
  public Uni<List<CustomResource<ServiceBrokerSpec, ServiceBrokerStatus>>> brokers() {
    Uni<List<CustomResource<ServiceBrokerSpec, ServiceBrokerStatus>>> cluster =
        client.brokers().map(l -> new ArrayList<>(l.items));
    Uni<List<CustomResource<ServiceBrokerSpec, ServiceBrokerStatus>>> namespaced =
        client.namespacedBrokers()
            .map(l -> (List<CustomResource<ServiceBrokerSpec, ServiceBrokerStatus>>) new ArrayList<CustomResource<ServiceBrokerSpec, ServiceBrokerStatus>>(l.items))
            .onFailure(CatalogApi::notServed).recoverWithItem(List.of());
    return Uni.combine().all().unis(cluster, namespaced).asTuple().map(t -> {
      List<CustomResource<ServiceBrokerSpec, ServiceBrokerStatus>> all = new ArrayList<>(t.getItem1());
      all.addAll(t.getItem2());
      return all;
    });
  }

  /** One page of instances across namespaces; {@code continueToken} null for the first. */
  public Uni<ResourceList<ServiceInstance>> instances(int limit, String continueToken) {
    return client.instances(limit, continueToken);
  }

  /** One page of bindings across namespaces; {@code continueToken} null for the first. */
  public Uni<ResourceList<ServiceBinding>> bindings(int limit, String continueToken) {
    return client.bindings(limit, continueToken);
  }

  /** From the cache while fresh, else from catalog-api (and then cached, "not found" included). */
  @SuppressWarnings("unchecked")
  private <T> Uni<T> cached(ResourceKind kind, String namespace, String name,
      java.util.function.Supplier<Uni<? extends CustomResource<?, ?>>> read) {
    java.util.Optional<CatalogObjectCache.Entry> hit = cache.get(kind, namespace, name);
    if (hit.isPresent()) {
      return Uni.createFrom().item((T) hit.get().object());
    }
    return orNull(read.get()).invoke(o -> cache.put(kind, namespace, name, o)).map(o -> (T) o);
  }

  private static <T> Uni<T> nothing() {
    return Uni.createFrom().nullItem();
  }

  private static <T> Uni<T> orNull(Uni<T> call) {
    return call.onFailure(CatalogApi::notFound).recoverWithNull();
  }

  private static boolean notFound(Throwable t) {
    return t instanceof WebApplicationException w
        && w.getResponse() != null
        && w.getResponse().getStatus() == 404;
  }

  /** 404 or 400/405 from an older catalog-api that does not serve the kind yet. */
  private static boolean notServed(Throwable t) {
    return t instanceof WebApplicationException w
        && w.getResponse() != null
        && (w.getResponse().getStatus() == 404 || w.getResponse().getStatus() == 400 || w.getResponse().getStatus() == 405);
  }
}
