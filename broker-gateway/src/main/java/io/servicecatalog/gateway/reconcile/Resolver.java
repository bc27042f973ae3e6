package io.servicecatalog.gateway.reconcile;

import io.servicecatalog.gateway.catalogapi.CatalogApi;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads an instance's plan, class and broker from catalog-api. */
@ApplicationScoped
public class Resolver {
  private final CatalogApi catalogApi;

  public Resolver(CatalogApi catalogApi) {
    this.catalogApi = catalogApi;
  }

  public Uni<Resolution> resolve(ServiceInstance instance) {
    String planName = instance.getSpec().clusterServicePlanRef == null ? null : instance.getSpec().clusterServicePlanRef.name;
    String className = instance.getSpec().clusterServiceClassRef == null ? null : instance.getSpec().clusterServiceClassRef.name;
    return Uni.combine()
        .all()
        .unis(catalogApi.plan(planName), catalogApi.serviceClass(className))
        .asTuple()
        .flatMap(
            t -> {
              Resolution partial = new Resolution(instance, t.getItem1(), t.getItem2(), null);
              return catalogApi
                  .broker(partial.brokerName())
                  .map(broker -> new Resolution(instance, t.getItem1(), t.getItem2(), broker));
            });
  }
}
