package io.servicecatalog.gateway.reconcile;

import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.gateway.catalogapi.CatalogApi;
import io.servicecatalog.model.Names;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.model.v1beta1.ServicePlanSpec;
import io.servicecatalog.model.v1beta1.ServicePlanStatus;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Objects;

/** Reads an instance's plan, class and broker from catalog-api, in the scope its references name. */
@ApplicationScoped
public class Resolver {
  private final CatalogApi catalogApi;

  public Resolver(CatalogApi catalogApi) {
    this.catalogApi = catalogApi;
  }

  public Uni<Resolution> resolve(ServiceInstance instance) {
    String scope = Resolution.scopeOf(instance);
    return Uni.combine()
        .all()
        .unis(catalogApi.plan(scope, Resolution.planNameOf(instance)), catalogApi.serviceClass(scope, Resolution.classNameOf(instance)))
        .asTuple()
        .flatMap(
            t -> {
              Resolution partial = new Resolution(instance, t.getItem1(), t.getItem2(), null);
              return catalogApi
                  .broker(scope, partial.brokerName())
                  .map(broker -> new Resolution(instance, t.getItem1(), t.getItem2(), broker));
            });
  }

  /**
   * A plan by its OSB id in a scope (catalog objects are named after their escaped OSB id); null
   * when catalog-api has no such plan (any more).
   */
  public Uni<CustomResource<ServicePlanSpec, ServicePlanStatus>> planByExternalId(String scope, String externalId) {
    if (externalId == null) {
      return Uni.createFrom().nullItem();
    }
    return catalogApi.plan(scope, Names.escapedName(externalId))
        .map(p -> p != null && p.getSpec() != null && Objects.equals(p.getSpec().externalID, externalId) ? p : null);
  }
}
