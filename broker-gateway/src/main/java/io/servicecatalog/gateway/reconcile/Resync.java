package io.servicecatalog.gateway.reconcile;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.servicecatalog.gateway.catalogapi.CatalogApi;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.servicecatalog.gateway.store.OperationStore;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.v1beta1.ServiceBrokerSpec;
import io.servicecatalog.model.v1beta1.ServiceBrokerStatus;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Periodically lists every broker, instance and binding from catalog-api and runs the same
 * decisions as for events, so a lost event only delays convergence. Also forgets finished rows
 * of resources that are gone, after the retention period.
 */
@ApplicationScoped
public class Resync {
  private static final Logger LOG = Logger.getLogger(Resync.class);

  private final CatalogApi catalogApi;
  private final Reconciler reconciler;
  private final OperationStore store;
  private final GatewayConfig config;
  private final Vertx vertx;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean started;

  public Resync(CatalogApi catalogApi, Reconciler reconciler, OperationStore store, GatewayConfig config, Vertx vertx) {
    this.catalogApi = catalogApi;
    this.reconciler = reconciler;
    this.store = store;
    this.config = config;
    this.vertx = vertx;
  }

  void start(@Observes StartupEvent ev) {
    started = true;
    vertx.setTimer(Math.max(1, config.resyncInitialDelay().toMillis()), id -> {
      trigger();
      vertx.setPeriodic(Math.max(1000, config.resyncInterval().toMillis()), p -> trigger());
    });
  }

  void stop(@Observes ShutdownEvent ev) {
    started = false;
  }

  private void trigger() {
    if (!started) {
      return;
    }
    runOnce().subscribe().with(n -> {}, e -> LOG.warnf("Resync failed (next one in %s): %s", config.resyncInterval(), e.toString()));
  }

  /** One full pass; completes with the number of resources looked at (0 when one is running). */
  public Uni<Integer> runOnce() {
    if (!running.compareAndSet(false, true)) {
      return Uni.createFrom().item(0);
    }
    return Uni.combine()
        .all()
        .unis(catalogApi.brokers(), catalogApi.instances(), catalogApi.bindings())
        .asTuple()
        .flatMap(t -> reconcileAll(t.getItem1(), t.getItem2(), t.getItem3()))
        .call(() -> store.purgeFinished(Instant.now().minus(config.retention()))
            .invoke(n -> {
              if (n > 0) {
                LOG.infof("Forgot %d finished operations older than %s", n, config.retention());
              }
            }))
        .eventually(() -> running.set(false));
  }

  private Uni<Integer> reconcileAll(List<CustomResource<ServiceBrokerSpec, ServiceBrokerStatus>> brokers, List<ServiceInstance> instances, List<ServiceBinding> bindings) {
    Map<String, ServiceInstance> byName = new HashMap<>();
    for (ServiceInstance i : instances) {
      byName.put(i.getMetadata().getNamespace() + "/" + i.getMetadata().getName(), i);
    }
    Multi<Uni<Void>> work = Multi.createBy().concatenating().streams(
        Multi.createFrom().iterable(brokers).map(reconciler::broker),
        Multi.createFrom().iterable(instances).map(reconciler::instance),
        Multi.createFrom().iterable(bindings).map(b -> reconciler.binding(b,
            b.getSpec() == null || b.getSpec().instanceRef == null ? null
                : byName.get(b.getMetadata().getNamespace() + "/" + b.getSpec().instanceRef.name))));
    int total = brokers.size() + instances.size() + bindings.size();
    return work.onItem()
        .transformToUniAndConcatenate(u -> u.onFailure().invoke(e -> LOG.warnf("Resync of one resource failed: %s", e.toString()))
            .onFailure().recoverWithNull())
        .collect().last()
        .map(x -> {
          LOG.debugf("Resync looked at %d brokers, %d instances, %d bindings", brokers.size(), instances.size(), bindings.size());
          return total;
        });
  }
}
