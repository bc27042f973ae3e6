package io.servicecatalog.injector.reconcile;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Runs work for bindings: the first attempt right away on the consumer's thread, further attempts
 * with exponential backoff on a scheduler thread, so a failing binding never holds up the
 * partition behind it.
 *
 * <p>The Kafka record that asked for the work is acknowledged only when the work is done, has
 * failed terminally, was superseded by newer work with the same key, or was given up. With the
 * throttled commit strategy the committed offset never passes an unacknowledged record, so work
 * still pending at a restart is redelivered rather than lost.
 *
 * <p>Work for one binding is serialized (striped locks on the binding uid): an injection checks
 * catalog-api and writes under the same lock a deletion takes, so a deletion cannot slip in
 * between the check and the write.
 */
@ApplicationScoped
public class ReconcileQueue {
  private static final Logger LOG = Logger.getLogger(ReconcileQueue.class);
  private static final int STRIPES = 64;

  private final RetryConfig config;
  private final InjectorMetrics metrics;
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "secret-retries");
            t.setDaemon(true);
            return t;
          });

  /** A snapshot of one pending retry, for the retries endpoint. */
  public record PendingRetry(
      String key, String description, int attempts, String lastError, Instant nextAttemptAt) {}

  @Inject
  public ReconcileQueue(RetryConfig config, InjectorMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  void onStart(@Observes StartupEvent event) {
    metrics.pendingRetries(pending::size);
  }

  void onStop(@Observes ShutdownEvent event) {
    // Unacknowledged records of pending work are redelivered after the restart.
    scheduler.shutdownNow();
  }

  /** Attempts {@code work} now; {@code message} is acknowledged when the work is settled. */
  public void submit(Work work, Message<?> message) {
    ReentrantLock lock = lockFor(work.bindingUid());
    lock.lock();
    try {
      Pending previous = pending.remove(work.key());
      if (previous != null) {
        previous.cancel();
        LOG.debugf("%s supersedes a pending retry", work.describe());
        previous.ack();
      }
      run(new Pending(work, message));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Attempts {@code work} soon on the scheduler thread rather than the caller's (for callers that
   * must not block, such as watch event handlers). Nothing to acknowledge.
   */
  public void submitAsync(Work work) {
    submitAsync(work, Duration.ZERO);
  }

  /** As {@link #submitAsync(Work)}, first attempt after {@code delay}. */
  public void submitAsync(Work work, Duration delay) {
    // No binding lock here: the caller must not wait for an attempt that is running.
    Pending p = new Pending(work, null);
    Pending previous = pending.put(work.key(), p);
    if (previous != null) {
      previous.cancel();
      previous.ack();
    }
    try {
      p.future = scheduler.schedule(() -> retry(p), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      pending.remove(work.key(), p);
    }
  }

  /** Whether work with this key is waiting for an attempt. */
  public boolean isPending(String key) {
    return pending.containsKey(key);
  }

  public List<PendingRetry> pending() {
    List<PendingRetry> out = new ArrayList<>();
    for (Pending p : pending.values()) {
      out.add(new PendingRetry(p.work.key(), p.work.describe(), p.attempts, p.lastError, p.nextAttemptAt));
    }
    out.sort(Comparator.comparing(PendingRetry::key));
    return out;
  }

  private void retry(Pending p) {
    ReentrantLock lock = lockFor(p.work.bindingUid());
    lock.lock();
    try {
      if (pending.get(p.work.key()) != p) {
        return; // superseded meanwhile
      }
      run(p);
    } catch (RuntimeException e) {
      LOG.errorf("retry of %s failed unexpectedly: %s", p.work.describe(), where(e));
      schedule(p, "unexpected " + e.getClass().getSimpleName());
    } finally {
      lock.unlock();
    }
  }

  /** Caller holds the binding's lock. */
  private void run(Pending p) {
    p.attempts++;
    Attempt attempt;
    try {
      attempt = p.work.attempt();
    } catch (RuntimeException e) {
      // Class only: exception messages from deep inside a library could quote data.
      LOG.errorf("%s failed unexpectedly: %s", p.work.describe(), where(e));
      attempt = Attempt.retry("unexpected error (" + e.getClass().getSimpleName() + ")");
    }
    switch (attempt.kind()) {
      case DONE -> settle(p);
      case FAILED -> {
        metrics.failed(p.work.operation(), true);
        LOG.warnf("%s failed: %s", p.work.describe(), attempt.message());
        if (p.work.reportFailure(attempt.message(), true)) {
          settle(p);
        } else {
          schedule(p, attempt.message());
        }
      }
      case RETRY -> {
        metrics.failed(p.work.operation(), false);
        String message = attempt.message();
        if (!message.equals(p.lastReported) && p.work.reportFailure(message, false)) {
          p.lastReported = message;
        }
        Duration elapsed = Duration.between(p.firstAttempt, Instant.now());
        if (elapsed.compareTo(config.giveUpAfter()) >= 0) {
          String final_ = "gave up after " + p.attempts + " attempts: " + message;
          LOG.errorf("%s %s", p.work.describe(), final_);
          if (p.work.reportFailure(final_, true)) {
            settle(p);
            return;
          }
        }
        schedule(p, message);
      }
    }
  }

  private void settle(Pending p) {
    pending.remove(p.work.key(), p);
    p.ack();
  }

  private void schedule(Pending p, String error) {
    Duration delay = backoff(p.attempts);
    p.lastError = error;
    p.nextAttemptAt = Instant.now().plus(delay);
    Pending current = pending.compute(p.work.key(), (k, cur) -> cur == null || cur == p ? p : cur);
    if (current != p) {
      // Newer work with the same key arrived meanwhile: it replaces this one.
      p.ack();
      return;
    }
    LOG.infof("%s: %s; attempt %d in %s", p.work.describe(), error, p.attempts + 1, delay);
    try {
      p.future = scheduler.schedule(() -> retry(p), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      LOG.debugf("%s left for redelivery after restart", p.work.describe());
    }
  }

  Duration backoff(int attempts) {
    long initial = Math.max(1, config.initialDelay().toMillis());
    long max = Math.max(initial, config.maxDelay().toMillis());
    int doublings = Math.min(Math.max(attempts - 1, 0), 30);
    long delay = initial << doublings;
    return Duration.ofMillis(delay <= 0 || delay > max ? max : delay);
  }

  /** Exception type and where it was thrown; not its message, which could quote data. */
  static String where(Throwable e) {
    StackTraceElement[] trace = e.getStackTrace();
    return e.getClass().getName()
        + (trace.length > 0 ? " at " + trace[0] : "")
        + (e.getCause() != null ? ", caused by " + e.getCause().getClass().getName() : "");
  }

  private ReentrantLock lockFor(String bindingUid) {
    return locks[Math.floorMod(bindingUid == null ? 0 : bindingUid.hashCode(), STRIPES)];
  }

  private static final class Pending {
    final Work work;
    /** The record that asked for the work; null for work that came from elsewhere. */
    final Message<?> message;
    final Instant firstAttempt = Instant.now();
    int attempts;
    String lastReported;
    String lastError;
    Instant nextAttemptAt;
    ScheduledFuture<?> future;

    Pending(Work work, Message<?> message) {
      this.work = work;
      this.message = message;
    }

    void cancel() {
      if (future != null) {
        future.cancel(false);
      }
    }

    void ack() {
      if (message != null) {
        message.ack();
      }
    }
  }
}
