package io.servicecatalog.gateway.catalogapi;

import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.model.v1beta1.ClusterServiceClass;
import io.servicecatalog.model.v1beta1.ClusterServicePlan;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Reads of current resource state from catalog-api; "not found" is a null item, any other
 * failure (catalog-api down, 5xx) fails the Uni so the caller retries later.
 */
@ApplicationScoped
public class CatalogApi {
  private final CatalogApiClient client;

  public CatalogApi(@RestClient CatalogApiClient client) {
    this.client = client;
  }

  public Uni<ClusterServiceBroker> broker(String name) {
    return name == null ? nothing() : orNull(client.broker(name));
  }

  public Uni<ClusterServiceClass> serviceClass(String name) {
    return name == null ? nothing() : orNull(client.serviceClass(name));
  }

  public Uni<ClusterServicePlan> plan(String name) {
    return name == null ? nothing() : orNull(client.plan(name));
  }

  public Uni<ServiceInstance> instance(String namespace, String name) {
    return name == null ? nothing() : orNull(client.instance(namespace, name));
  }

  public Uni<ServiceBinding> binding(String namespace, String name) {
    return name == null ? nothing() : orNull(client.binding(namespace, name));
  }

  public Uni<List<ClusterServiceBroker>> brokers() {
    return client.brokers().map(l -> l.items);
  }

  public Uni<List<ServiceInstance>> instances() {
    return client.instances().map(l -> l.items);
  }

  public Uni<List<ServiceBinding>> bindings() {
    return client.bindings().map(l -> l.items);
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
}
