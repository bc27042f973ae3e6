package io.servicecatalog.gateway.reconcile;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.servicecatalog.gateway.events.ResultPublisher;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.gateway.store.OperationStore;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Claims due operations from the table and runs one step of each. A Vert.x periodic timer
 * ticks every {@code servicecatalog.worker.interval}; {@link #kick()} ticks at once (after an
 * insert). Claimed rows are leased to this process; leases of rows still in hand are renewed,
 * so a crashed process's rows become claimable after one lease duration, and a live one's never
 * are.
 */
@ApplicationScoped
public class OperationWorker {
  private static final Logger LOG = Logger.getLogger(OperationWorker.class);

  private final OperationStore store;
  private final GatewayConfig config;
  private final Vertx vertx;
  private final ResultPublisher results;
  private final Map<Operation, OperationHandler> handlers = new EnumMap<>(Operation.class);
  private final String owner;

  private final Set<Long> inHand = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean claiming = new AtomicBoolean();
  private final AtomicBoolean tickAgain = new AtomicBoolean();
  private final AtomicLong polling = new AtomicLong();
  private volatile boolean running;
  private volatile Instant lastClaim;
  private volatile String lastClaimError;
  private final AtomicLong steps = new AtomicLong();
  private final List<Long> timers = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Inject
  public OperationWorker(OperationStore store, GatewayConfig config, Vertx vertx, ResultPublisher results,
      Instance<OperationHandler> allHandlers, MeterRegistry registry) {
    this(store, config, vertx, results, allHandlers, registry,
        config.worker().ownerId().orElseGet(OperationWorker::randomOwner));
  }

  /**
   * A worker with its own owner id: what a second replica of the gateway is. Used by the
   * application (owner from config or random) and by tests that run two claimers on one table.
   */
  public OperationWorker(OperationStore store, GatewayConfig config, Vertx vertx, ResultPublisher results,
      Iterable<OperationHandler> allHandlers, MeterRegistry registry, String owner) {
    this.store = store;
    this.config = config;
    this.vertx = vertx;
    this.results = results;
    for (OperationHandler h : allHandlers) {
      for (Operation op : h.operations()) {
        handlers.put(op, h);
      }
    }
    this.owner = owner;
    Gauge.builder("servicecatalog.operations.polling", polling, AtomicLong::get)
        .description("OSB operations whose last_operation is being polled (all replicas)")
        .register(registry);
  }

  void start(@Observes StartupEvent ev) {
    if (config.worker().ownerId().isPresent()) {
      // A stable identity means the rows it holds were this process's before a restart.
      Integer released = store.releaseAll(owner).await().atMost(Duration.ofSeconds(30));
      if (released > 0) {
        LOG.infof("Resuming %d operations leased to %s before a restart", released, owner);
      }
    }
    startWorking();
  }

  /** Starts claiming (the application does this at start; a test replica when it is told). */
  public void startWorking() {
    running = true;
    LOG.infof("Operation worker %s started (interval %s, lease %s, concurrency %d)", owner,
        config.worker().interval(), config.worker().leaseDuration(), config.worker().maxConcurrency());
    timers.add(vertx.setPeriodic(Math.max(10, config.worker().interval().toMillis()), id -> tick()));
    long renewEvery = Math.max(100, config.worker().leaseDuration().toMillis() / 3);
    timers.add(vertx.setPeriodic(renewEvery, id -> renewLeases()));
    timers.add(vertx.setPeriodic(5_000, id -> refreshGauge()));
  }

  void stop(@Observes ShutdownEvent ev) {
    stopWorking();
  }

  /** Stops claiming; steps in hand finish. */
  public void stopWorking() {
    running = false;
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }

  public String owner() {
    return owner;
  }

  public Instant lastClaim() {
    return lastClaim;
  }

  public String lastClaimError() {
    return lastClaimError;
  }

  public int inHand() {
    return inHand.size();
  }

  public long steps() {
    return steps.get();
  }

  /** Look for due work now (new rows were recorded). */
  public void kick() {
    if (running) {
      vertx.runOnContext(this::tick);
    }
  }

  private void tick() {
    if (!running) {
      return;
    }
    if (!claiming.compareAndSet(false, true)) {
      tickAgain.set(true);
      return;
    }
    int capacity = config.worker().maxConcurrency() - inHand.size();
    if (capacity <= 0) {
      claiming.set(false);
      return;
    }
    store
        .claim(owner, capacity, Instant.now(), config.worker().leaseDuration())
        .subscribe()
        .with(
            rows -> {
              lastClaim = Instant.now();
              lastClaimError = null;
              claiming.set(false);
              rows.forEach(this::run);
              if (tickAgain.getAndSet(false)) {
                tick();
              }
            },
            failure -> {
              claiming.set(false);
              if (lastClaimError == null) {
                LOG.warnf("Claiming operations failed: %s", failure.toString());
              }
              lastClaimError = failure.toString();
            });
  }

  private void run(OperationRecord row) {
    inHand.add(row.id);
    steps.incrementAndGet();
    OperationHandler handler = handlers.get(row.operation);
    OperationRecord snapshot = row.copy();
    Uni<Step> step =
        handler == null
            ? Uni.createFrom().item(unsupported(row))
            : Uni.createFrom().deferred(() -> handler.step(row));
    // Safety net: a step that never completes would keep its (renewed) lease forever.
    Duration stepTimeout = config.osb().requestTimeout().multipliedBy(3).plusSeconds(60);
    step.ifNoItem()
        .after(stepTimeout)
        .fail()
        .onFailure()
        .recoverWithItem(e -> unexpected(row, snapshot, e))
        .flatMap(s -> store.save(s.record(), owner).flatMap(saved -> afterSave(s, saved)))
        .onTermination()
        .invoke(() -> inHand.remove(row.id))
        .subscribe()
        .with(
            again -> {
              if (again) {
                kick();
              }
            },
            e -> LOG.errorf("%s: saving the step failed: %s", row.subject(), e.toString()));
  }

  /** Publishes progress results of a saved step; true when the row is due again right away. */
  private Uni<Boolean> afterSave(Step s, boolean saved) {
    OperationRecord r = s.record();
    if (!saved) {
      LOG.warnf("%s: lease lost while running a step; its outcome is discarded", r.subject());
      return Uni.createFrom().item(false);
    }
    boolean dueNow = r.state.active() && !r.nextAttemptAt.isAfter(Instant.now());
    if (s.afterSave().isEmpty()) {
      return Uni.createFrom().item(dueNow);
    }
    return Multi.createFrom()
        .iterable(s.afterSave())
        .onItem()
        .transformToUniAndConcatenate(
            (OperationResult res) ->
                results.publish(res).onFailure().invoke(e -> LOG.warnf("%s: progress result not published: %s", r.subject(), e.toString()))
                    .onFailure().recoverWithNull())
        .collect()
        .asList()
        .replaceWith(dueNow);
  }

  /**
   * A step failed in a way the handler did not turn into an outcome (catalog-api, Kubernetes or
   * Kafka unavailable...). The row goes back to what it was before the step and is tried again
   * after a backoff; except when a create request went out (SENT) and its answer could not be
   * recorded: then the row stays SENT, and the next step treats the outcome as unknown (orphan
   * mitigation, then the request again).
   */
  private Step unexpected(OperationRecord row, OperationRecord snapshot, Throwable e) {
    OperationRecord r = row.state == OperationState.SENT ? row : snapshot;
    r.attempts = Math.max(r.attempts, snapshot.attempts) + (r == snapshot ? 1 : 0);
    Duration delay = stepRetryDelay(r.attempts);
    r.nextAttemptAt = Instant.now().plus(delay);
    r.message = "Internal error, retrying in " + delay.toMillis() + " ms: " + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + e.getMessage());
    LOG.warnf("%s: %s %s step failed (%s); retrying in %d ms", row.subject(), row.operation, snapshot.state, e.toString(), delay.toMillis());
    return Step.of(r);
  }

  private Duration stepRetryDelay(int attempts) {
    return StepSupport.doubling(config.retry().initialInterval(), config.retry().maxInterval(), Math.min(30, Math.max(0, attempts - 1)));
  }

  private Step unsupported(OperationRecord row) {
    row.state = OperationState.CANCELLED;
    row.message = "no handler for " + row.operation;
    row.finishedAt = Instant.now();
    return Step.of(row);
  }

  private void renewLeases() {
    if (inHand.isEmpty()) {
      return;
    }
    List<Long> ids = List.copyOf(inHand);
    store.renewLeases(owner, ids, config.worker().leaseDuration())
        .subscribe()
        .with(n -> {}, e -> LOG.warnf("Renewing leases failed: %s", e.toString()));
  }

  private void refreshGauge() {
    store.countByState(OperationState.POLLING).subscribe().with(polling::set, e -> {});
  }

  private static String randomOwner() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "gateway";
    }
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
