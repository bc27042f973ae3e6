package io.servicecatalog.gateway.reconcile;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.servicecatalog.gateway.catalogapi.CatalogApi;
import io.servicecatalog.gateway.catalogapi.ResourceList;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.servicecatalog.gateway.store.OperationStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Periodically lists every broker, instance and binding from catalog-api and runs the same
 * decisions as for events, so a lost event only delays convergence. Instances and bindings are
 * read in pages, each decided before the next is read. Also forgets finished rows
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
    AtomicInteger seen = new AtomicInteger();
    return catalogApi.brokers()
        .flatMap(brokers -> each(brokers, reconciler::broker, seen))
        .flatMap(v -> pages(catalogApi::instances, page -> each(page, reconciler::instance, seen)))
        // A binding's instance is read only for the few that may still need binding (the event path's rule).
        .flatMap(v -> pages(catalogApi::bindings, page -> each(page, reconciler::binding, seen)))
        .call(() -> store.purgeFinished(Instant.now().minus(config.retention()))
            .invoke(n -> {
              if (n > 0) {
                LOG.infof("Forgot %d finished operations older than %s", n, config.retention());
              }
            }))
        .map(v -> {
          LOG.debugf("Resync looked at %d resources", seen.get());
          return seen.get();
        })
        .eventually(() -> running.set(false));
  }

  /** Every page of a list, each handled before the next one is read. */
  private <T> Uni<Void> pages(BiFunction<Integer, String, Uni<ResourceList<T>>> read, Function<List<T>, Uni<Void>> handle) {
    return Multi.createBy().repeating()
        .uni(() -> new String[1], next -> read.apply(config.resyncPageSize(), next[0]).invoke(l -> next[0] = continueOf(l)))
        .whilst(l -> continueOf(l) != null)
        .onItem().transformToUniAndConcatenate(l -> handle.apply(l.items))
        .collect().last()
        .replaceWithVoid();
  }

  private static String continueOf(ResourceList<?> l) {
    return l.metadata == null || l.metadata.continueToken == null || l.metadata.continueToken.isEmpty() ? null : l.metadata.continueToken;
  }

  /** One resource at a time; one that fails is logged and left to the next resync. */
  private static <T> Uni<Void> each(List<T> items, Function<T, Uni<Void>> decide, AtomicInteger seen) {
    return Multi.createFrom().iterable(items)
        .onItem().transformToUniAndConcatenate(item -> decide.apply(item)
            .onFailure().invoke(e -> LOG.warnf("Resync of one resource failed: %s", e.toString()))
            .onFailure().recoverWithNull()
            .invoke(() -> seen.incrementAndGet()))
        .collect().last()
        .replaceWithVoid();
  }
}
