package io.servicecatalog.syncer.health;

import io.servicecatalog.syncer.reconcile.SyncController;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the custom resources are being watched (the informers have listed them): from then on
 * the admission webhook and the sync work. catalog-api being down does not make the syncer unready
 * — it would take the webhook (and so every kubectl write) down with it — it only delays the sync;
 * whether catalog-api has been listed is reported as data.
 */
@Readiness
@ApplicationScoped
public class SyncerReadiness implements HealthCheck {
  private final SyncController controller;

  public SyncerReadiness(SyncController controller) {
    this.controller = controller;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("k8s-syncer")
        .status(controller.informersSynced())
        .withData("customResourcesWatched", controller.informersSynced())
        .withData("catalogApiListed", controller.synced())
        .build();
  }
}
