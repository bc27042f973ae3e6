package io.servicecatalog.injector.status;

import io.servicecatalog.injector.store.EnvelopeStore;
import io.servicecatalog.injector.watch.ManagedSecretWatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the envelopes have been read back from the credentials topic and (with drift repair
 * on) the watch of the injector's Secrets has synced: before that a deleted Secret would not be
 * restored.
 */
@Readiness
@ApplicationScoped
public class InjectorReadiness implements HealthCheck {

  @Inject EnvelopeStore store;
  @Inject ManagedSecretWatch watch;

  @Override
  public HealthCheckResponse call() {
    boolean up = store.isRebuilt() && (!watch.enabled() || watch.isSynced());
    return HealthCheckResponse.named("secret-repair")
        .status(up)
        .withData("envelopesRead", store.isRebuilt())
        .withData("envelopesHeld", store.size())
        .withData("repairEnabled", watch.enabled())
        .withData("watchSynced", watch.isSynced())
        .withData("secretsWatched", watch.watched())
        .build();
  }
}
