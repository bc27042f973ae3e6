package io.servicecatalog.syncer.reconcile;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A de-duplicating work queue with the semantics of client-go's: a key waiting in the queue is not
 * added twice, a key being processed is never handed to a second worker (an add meanwhile re-queues
 * it once the first is {@link #done}), and failed keys come back after a delay that doubles per
 * consecutive failure up to a cap.
 */
public final class WorkQueue<K> implements AutoCloseable {
  private final ArrayDeque<K> queue = new ArrayDeque<>();
  private final Set<K> dirty = new HashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final ScheduledExecutorService timer;
  private boolean shutDown;

  public WorkQueue(Duration baseDelay, Duration maxDelay) {
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "syncer-queue-timer");
              t.setDaemon(true);
              return t;
            });
  }

  public synchronized void add(K key) {
    if (shutDown || dirty.contains(key)) {
      return;
    }
    dirty.add(key);
    if (!processing.contains(key)) {
      queue.addLast(key);
      notifyAll();
    }
  }

  public void addAfter(K key, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    synchronized (this) {
      if (shutDown) {
        return;
      }
    }
    timer.schedule(() -> add(key), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Re-adds after the key's back-off delay, which doubles with each call until {@link #forget}. */
  public void addRateLimited(K key) {
    int n;
    synchronized (this) {
      n = failures.merge(key, 1, Integer::sum);
    }
    addAfter(key, backoff(n));
  }

  Duration backoff(int failuresSoFar) {
    long millis = baseDelay.toMillis();
    for (int i = 1; i < failuresSoFar && millis < maxDelay.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
  }

  public synchronized void forget(K key) {
    failures.remove(key);
  }

  public synchronized int failures(K key) {
    return failures.getOrDefault(key, 0);
  }

  /** Blocks until a key is available; null once the queue is shut down. */
  public synchronized K take() throws InterruptedException {
    while (queue.isEmpty() && !shutDown) {
      wait();
    }
    if (shutDown) {
      return null;
    }
    K key = queue.pollFirst();
    dirty.remove(key);
    processing.add(key);
    return key;
  }

  public synchronized void done(K key) {
    processing.remove(key);
    if (dirty.contains(key) && !shutDown) {
      queue.addLast(key);
      notifyAll();
    }
  }

  public synchronized int size() {
    return queue.size();
  }

  @Override
  public synchronized void close() {
    shutDown = true;
    timer.shutdownNow();
    notifyAll();
  }
}
