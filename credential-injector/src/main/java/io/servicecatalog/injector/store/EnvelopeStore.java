package io.servicecatalog.injector.store;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The latest sealed envelope of every binding, in memory, so a Secret deleted or edited by hand
 * can be restored without waiting for the broker. Fed by the {@code servicecatalog.credentials}
 * consumer and by {@link CompactedTopicReader}, which reads the whole (compacted) topic at start
 * and then follows it; updates are ordered by offset, so whichever of the two sees a record
 * later cannot put an older envelope back. A tombstone removes the binding.
 *
 * <p>A binding found deleted, gone or replaced at catalog-api is <em>forgotten</em>: envelopes
 * for its uid are ignored from then on (a uid is never reused), until its tombstone clears it.
 */
@ApplicationScoped
public class EnvelopeStore {

  private sealed interface Entry permits Held, Forgotten {}

  private record Held(StoredEnvelope envelope) implements Entry {}

  private record Forgotten() implements Entry {}

  private static final Forgotten FORGOTTEN = new Forgotten();

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final CountDownLatch rebuilt = new CountDownLatch(1);

  /** Keeps {@code e} unless an envelope at a later offset is held or the binding is forgotten. */
  public void offer(StoredEnvelope e) {
    entries.compute(
        e.bindingUid(),
        (uid, old) -> {
          if (old instanceof Forgotten) {
            return old;
          }
          if (old instanceof Held h && !replaces(e, h.envelope())) {
            return old;
          }
          return new Held(e);
        });
  }

  /** Whether {@code e} should take the place of {@code held}. */
  private static boolean replaces(StoredEnvelope e, StoredEnvelope held) {
    if (!knownPosition(e)) {
      return !knownPosition(held);
    }
    if (!knownPosition(held) || e.partition() != held.partition()) {
      return true;
    }
    return e.offset() > held.offset();
  }

  /** A tombstone at {@code partition@offset}: the binding's envelopes before it are gone. */
  public void tombstone(String uid, int partition, long offset) {
    entries.computeIfPresent(
        uid,
        (k, old) -> {
          if (old instanceof Held h
              && h.envelope().partition() == partition
              && h.envelope().offset() > offset
              && offset >= 0) {
            return old; // an envelope written after the tombstone
          }
          return null;
        });
  }

  /** The binding is going or gone: drop its envelope and ignore any that still arrive. */
  public void forget(String uid) {
    entries.put(uid, FORGOTTEN);
  }

  /** The latest envelope of a binding, or null (unknown or forgotten). */
  public StoredEnvelope latest(String uid) {
    return entries.get(uid) instanceof Held h ? h.envelope() : null;
  }

  public boolean isForgotten(String uid) {
    return entries.get(uid) instanceof Forgotten;
  }

  /** Whether a later envelope of the same binding is already known (then {@code e} is stale). */
  public boolean supersedes(StoredEnvelope e) {
    StoredEnvelope latest = latest(e.bindingUid());
    return latest != null && latest.newerThan(e);
  }

  /** Uids of the bindings whose envelope is held. */
  public Set<String> heldUids() {
    return entries.entrySet().stream()
        .filter(x -> x.getValue() instanceof Held)
        .map(java.util.Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  /** How many held envelopes name {@code keyId} as the key they were sealed with. */
  public int countSealedWith(String keyId) {
    return (int) entries.values().stream()
        .filter(x -> x instanceof Held h && java.util.Objects.equals(h.envelope().envelope().keyId(), keyId))
        .count();
  }

  /** How many envelopes are held. */
  public int size() {
    return (int) entries.values().stream().filter(x -> x instanceof Held).count();
  }

  public void markRebuilt() {
    rebuilt.countDown();
  }

  public boolean isRebuilt() {
    return rebuilt.getCount() == 0;
  }

  public boolean awaitRebuilt(long timeout, TimeUnit unit) throws InterruptedException {
    return rebuilt.await(timeout, unit);
  }

  private static boolean knownPosition(StoredEnvelope e) {
    return e.partition() >= 0 && e.offset() >= 0;
  }
}
