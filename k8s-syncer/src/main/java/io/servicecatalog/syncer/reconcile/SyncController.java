package io.servicecatalog.syncer.reconcile;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.syncer.catalogapi.CatalogApi;
import io.servicecatalog.syncer.catalogapi.CatalogApiException;
import io.servicecatalog.syncer.catalogapi.CatalogWatcher;
import io.servicecatalog.syncer.config.SyncerConfig;
import io.servicecatalog.syncer.kube.CustomResources;
import io.servicecatalog.syncer.reconcile.ResourceReconciler.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs the syncer: an informer per kind on the Kubernetes side and a {@link CatalogWatcher} per
 * kind on the catalog side, both only putting keys into one {@link WorkQueue}; worker threads take
 * keys and run the {@link ResourceReconciler}. Level-triggered: what a key means is decided from
 * both sides' current state, never from the event. A periodic resync puts every key known on either
 * side into the queue again, so a lost event, a restart or a catalog-api outage only delays
 * convergence.
 */
@ApplicationScoped
public class SyncController {
  private static final Logger LOG = Logger.getLogger(SyncController.class);

  private final CustomResources resources;
  private final CatalogApi catalog;
  private final ResourceReconciler reconciler;
  private final SyncerConfig config;
  private final MeterRegistry meters;
  private final CachedViews cached;
  private final Map<ResourceKind, SharedIndexInformer<GenericKubernetesResource>> informers =
      new EnumMap<>(ResourceKind.class);
  private final List<CatalogWatcher> watchers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile WorkQueue<ObjectKey> queue;
  private boolean gaugesRegistered;
  private ScheduledExecutorService resync;
  private volatile boolean started;

  public SyncController(
      CustomResources resources,
      CatalogApi catalog,
      ResourceReconciler reconciler,
      SyncerConfig config,
      MeterRegistry meters,
      CachedViews cached) {
    this.cached = cached;
    this.resources = resources;
    this.catalog = catalog;
    this.reconciler = reconciler;
    this.config = config;
    this.meters = meters;
  }

  void onStart(@Observes StartupEvent ev) {
    start();
  }

  void onStop(@Observes ShutdownEvent ev) {
    stop();
  }

  public synchronized void start() {
    if (started) {
      return;
    }
    queue = new WorkQueue<>(config.syncer().retryInitialDelay(), config.syncer().retryMaxDelay());
    if (!gaugesRegistered) {
      meters.gauge(
          "servicecatalog.syncer.queue.depth", this, c -> c.queue == null ? 0 : c.queue.size());
      meters.gauge("servicecatalog.syncer.reconciles.in.flight", inFlight);
      gaugesRegistered = true;
    }
    for (ResourceKind kind : ResourceKind.values()) {
      SharedIndexInformer<GenericKubernetesResource> informer =
          resources.operation(kind).inAnyNamespace().runnableInformer(0);
      informer.addEventHandler(new Enqueue(kind));
      informer.exceptionHandler(
          (isStarted, t) -> {
            LOG.warnf("watching %s in Kubernetes: %s (retrying)", kind.plural(), t.getMessage());
            return true;
          });
      informer.start();
      informers.put(kind, informer);

      CatalogWatcher watcher =
          new CatalogWatcher(kind, catalog, queue::add, config.syncer().pollInterval());
      watchers.add(watcher);
      cached.register(kind, informer, watcher);
      Thread t = new Thread(watcher, "catalog-watch-" + kind.plural());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    for (int i = 0; i < config.syncer().workers(); i++) {
      Thread t = new Thread(this::work, "syncer-worker-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    long every = config.syncer().resyncInterval().toMillis();
    resync =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "syncer-resync");
              t.setDaemon(true);
              return t;
            });
    resync.scheduleWithFixedDelay(this::resyncAll, every, every, TimeUnit.MILLISECONDS);
    started = true;
    LOG.infof(
        "k8s-syncer started: %d kinds, catalog-api at %s, %d workers",
        ResourceKind.values().length, config.catalogApi().url(), config.syncer().workers());
  }

  public synchronized void stop() {
    if (!started) {
      return;
    }
    started = false;
    resync.shutdownNow();
    watchers.forEach(CatalogWatcher::stop);
    informers.values().forEach(SharedIndexInformer::stop);
    queue.close();
    threads.forEach(Thread::interrupt);
    informers.clear();
    watchers.clear();
    cached.clear();
    threads.clear();
    LOG.info("k8s-syncer stopped");
  }

  /**
   * Every key either side knows goes through the reconciler again, on fresh reads: the safety net
   * for anything the caches or the events missed (a Secret that lost its owner, say).
   */
  public void resyncAll() {
    int n = 0;
    for (Map.Entry<ResourceKind, SharedIndexInformer<GenericKubernetesResource>> e :
        informers.entrySet()) {
      for (GenericKubernetesResource r : e.getValue().getStore().list()) {
        ObjectKey key =
            ObjectKey.of(e.getKey(), r.getMetadata().getNamespace(), r.getMetadata().getName());
        cached.requireFreshReads(key);
        queue.add(key);
        n++;
      }
    }
    for (CatalogWatcher w : watchers) {
      for (ObjectKey k : w.keys()) {
        cached.requireFreshReads(k);
        queue.add(k);
        n++;
      }
    }
    LOG.debugf("resync: %d keys queued", n);
  }

  /** Kubernetes side watched and listed, catalog side listed at least once per kind. */
  public boolean synced() {
    return started
        && informers.values().stream().allMatch(SharedIndexInformer::hasSynced)
        && watchers.stream().allMatch(CatalogWatcher::listedOnce);
  }

  public boolean informersSynced() {
    return started && informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
  }

  public WorkQueue<ObjectKey> queue() {
    return queue;
  }

  private void work() {
    while (true) {
      ObjectKey key;
      try {
        key = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        return;
      }
      inFlight.incrementAndGet();
      try {
        Outcome outcome = reconciler.reconcile(key);
        switch (outcome) {
          case IN_SYNC -> queue.forget(key);
          case WAITING -> {
            queue.forget(key);
            queue.addAfter(key, config.syncer().waitRecheck());
          }
          case AGAIN -> {
            cached.requireFreshReads(key);
            queue.addRateLimited(key);
          }
        }
      } catch (CatalogApiException e) {
        meters
            .counter(
                "servicecatalog.syncer.errors", "kind", key.kind().kind(), "side", "catalog-api")
            .increment();
        logFailure(key, e);
        cached.requireFreshReads(key);
        queue.addRateLimited(key);
      } catch (RuntimeException e) {
        meters
            .counter(
                "servicecatalog.syncer.errors", "kind", key.kind().kind(), "side", "kubernetes")
            .increment();
        logFailure(key, e);
        cached.requireFreshReads(key);
        queue.addRateLimited(key);
      } finally {
        inFlight.decrementAndGet();
        queue.done(key);
      }
    }
  }

  private void logFailure(ObjectKey key, RuntimeException e) {
    if (!started) {
      return; // stopping: interrupted requests are expected
    }
    int failures = queue.failures(key);
    // Every failure at debug; at warn the first and then every tenth, not a line per retry.
    if (failures == 0 || failures % 10 == 9) {
      LOG.warnf("%s: sync failed (%d times so far): %s", key, failures + 1, e.getMessage());
    } else {
      LOG.debugf(e, "%s: sync failed again", key);
    }
  }

  /** Informer events only queue the object's key. */
  private final class Enqueue implements ResourceEventHandler<GenericKubernetesResource> {
    private final ResourceKind kind;

    Enqueue(ResourceKind kind) {
      this.kind = kind;
    }

    private void add(GenericKubernetesResource r) {
      queue.add(ObjectKey.of(kind, r.getMetadata().getNamespace(), r.getMetadata().getName()));
    }

    @Override
    public void onAdd(GenericKubernetesResource obj) {
      add(obj);
    }

    @Override
    public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
      add(newObj);
    }

    @Override
    public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
      add(obj);
    }
  }
}
