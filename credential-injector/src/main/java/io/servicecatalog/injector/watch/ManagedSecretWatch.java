package io.servicecatalog.injector.watch;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.servicecatalog.injector.reconcile.InjectorMetrics;
import io.servicecatalog.injector.reconcile.ReconcileQueue;
import io.servicecatalog.injector.reconcile.SecretReconciler;
import io.servicecatalog.injector.reconcile.SecretReconciler.RepairCause;
import io.servicecatalog.injector.secrets.SecretOwnership;
import io.servicecatalog.injector.store.EnvelopeStore;
import io.servicecatalog.injector.store.StoredEnvelope;
import io.servicecatalog.model.events.OperationResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Drift repair: watches the injector's own Secrets and has damaged ones restored.
 *
 * <ul>
 *   <li>The watch is label-selected ({@code app.kubernetes.io/managed-by=service-catalog} and a
 *       {@code servicecatalog.k8s.io/binding-uid} label), so kube-apiserver sends only those
 *       Secrets: memory does not grow with the cluster's other Secrets. Its cache keeps metadata
 *       only ({@link StrippedSecretStore}).
 *   <li>It starts once the {@link EnvelopeStore} has been rebuilt from the credentials topic, so
 *       the first listing can already be checked against the envelopes.
 *   <li>A periodic check ({@code servicecatalog.injector.repair.check-interval}, and once right
 *       after the watch has synced) looks for bindings with an envelope and no Secret, which
 *       covers Secrets deleted while the injector was not running. Envelopes younger than two
 *       minutes and bindings with an injection pending are skipped: that is first injection,
 *       not repair. A binding catalog-api says was never injected is not asked about again
 *       until its envelope changes.
 * </ul>
 *
 * Needs {@code list} and {@code watch} on Secrets in every namespace the bindings live in.
 */
@ApplicationScoped
public class ManagedSecretWatch {
  private static final Logger LOG = Logger.getLogger(ManagedSecretWatch.class);
  /** Envelopes younger than this are left to the credentials consumer by the periodic check. */
  static final Duration GRACE = Duration.ofMinutes(2);

  private final KubernetesClient client;
  private final EnvelopeStore store;
  private final DriftDetector detector;
  private final SecretReconciler reconciler;
  private final ReconcileQueue queue;
  private final InjectorMetrics metrics;
  private final boolean enabled;
  private final Duration checkInterval;
  private final StrippedSecretStore cache = new StrippedSecretStore();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "secret-watch");
            t.setDaemon(true);
            return t;
          });
  private volatile SharedIndexInformer<Secret> informer;
  private volatile boolean synced;

  @Inject
  public ManagedSecretWatch(
      KubernetesClient client,
      EnvelopeStore store,
      DriftDetector detector,
      SecretReconciler reconciler,
      ReconcileQueue queue,
      InjectorMetrics metrics,
      @ConfigProperty(name = "servicecatalog.injector.repair.enabled", defaultValue = "true")
          boolean enabled,
      @ConfigProperty(name = "servicecatalog.injector.repair.check-interval", defaultValue = "10m")
          Duration checkInterval) {
    this.client = client;
    this.store = store;
    this.detector = detector;
    this.reconciler = reconciler;
    this.queue = queue;
    this.metrics = metrics;
    this.enabled = enabled;
    this.checkInterval = checkInterval;
  }

  /**
   * A label-selected informer over every namespace for the injector's Secrets, keeping its cache
   * in {@code cache}; not started.
   */
  public static SharedIndexInformer<Secret> informer(
      KubernetesClient client, ItemStore<Secret> cache, ResourceEventHandler<Secret> handler) {
    SharedIndexInformer<Secret> i =
        client.secrets()
            .inAnyNamespace()
            .withLabel(SecretOwnership.MANAGED_BY, SecretOwnership.MANAGED_BY_VALUE)
            .withLabel(SecretOwnership.BINDING_UID)
            .runnableInformer(0);
    i.itemStore(cache);
    i.addEventHandler(handler);
    i.exceptionHandler(
        (started, t) -> {
          // Class only: the message of a failed list could quote a response.
          LOG.warnf("watching the injector's Secrets failed (%s); retrying", t.getClass().getName());
          return true;
        });
    return i;
  }

  /** A cache like the watch's, for tests that build their own informer. */
  public static ItemStore<Secret> newCache() {
    return new StrippedSecretStore();
  }

  void onStart(@Observes StartupEvent event) {
    metrics.gauge("servicecatalog.injector.envelopes.held",
        "Sealed envelopes held in memory for repairs", store::size);
    metrics.gauge("servicecatalog.injector.secrets.watched",
        "The injector's Secrets in the watch cache", cache::size);
    if (!enabled) {
      LOG.info("drift repair is off (servicecatalog.injector.repair.enabled=false)");
      return;
    }
    executor.execute(this::startWhenStoreIsRebuilt);
  }

  private void startWhenStoreIsRebuilt() {
    try {
      while (!store.awaitRebuilt(30, TimeUnit.SECONDS)) {
        LOG.info("drift repair waits for the credentials topic to be read");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    SharedIndexInformer<Secret> i = informer(client, cache, detector);
    informer = i;
    i.start()
        .whenComplete(
            (v, failure) -> {
              if (failure != null) {
                LOG.warnf("the Secret watch did not start (%s)", failure.getClass().getName());
                return;
              }
              synced = true;
              LOG.infof("watching %d Secrets of the injector for drift", cache.size());
              executor.scheduleWithFixedDelay(this::checkForMissing, 0,
                  Math.max(1000, checkInterval.toMillis()), TimeUnit.MILLISECONDS);
            });
  }

  /** Bindings with an envelope whose Secret the watch does not know: was it deleted? */
  public void checkForMissing() {
    try {
      int queued = 0;
      long recent = System.currentTimeMillis() - GRACE.toMillis();
      for (String uid : store.heldUids()) {
        StoredEnvelope e = store.latest(uid);
        if (e == null || cache.holdsUid(uid) || reconciler.knownNotInjected(uid, e.fingerprint())
            // Just arrived, or still being injected: the credentials consumer's business.
            || e.timestamp() > recent
            || queue.isPending(OperationResult.Operation.INJECT_SECRET + "/" + uid)) {
          continue;
        }
        queue.submitAsync(reconciler.repairWork(uid, RepairCause.MISSING));
        queued++;
      }
      if (queued > 0) {
        LOG.infof("%d bindings have an envelope and no Secret; checking them", queued);
      }
    } catch (RuntimeException e) {
      LOG.warnf("checking for missing Secrets failed (%s)", e.getClass().getName());
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    executor.shutdownNow();
    SharedIndexInformer<Secret> i = informer;
    if (i != null) {
      i.stop();
    }
  }

  public boolean enabled() {
    return enabled;
  }

  /** Whether the watch has listed the injector's Secrets and is following them. */
  public boolean isSynced() {
    return synced;
  }

  /** How many Secrets the watch cache holds. */
  public int watched() {
    return cache.size();
  }

  /** The cached Secrets (metadata only). */
  public List<Secret> cached() {
    return cache.values().toList();
  }
}
