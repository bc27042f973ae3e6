package io.servicecatalog.syncer.catalogapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.syncer.catalogapi.CatalogApi.WatchEnd;
import io.servicecatalog.syncer.reconcile.ObjectKey;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Follows one kind in catalog-api and hands the key of every object that changed (or disappeared)
 * to the work queue: list, then watch from the list's resourceVersion; after a broken or expired
 * watch, list again (the difference with what was known before is what changed meanwhile). A
 * catalog-api that cannot watch is listed every poll interval instead.
 *
 * <p>It also keeps the last state it saw of every object (compact JSON bytes), updated before the
 * key is handed on, so that the reconciler can tell from memory that an object needs nothing: the
 * echo of the syncer's own writes then costs no request. Any step that writes is decided on
 * objects read fresh.
 */
public final class CatalogWatcher implements Runnable {
  private static final Logger LOG = Logger.getLogger(CatalogWatcher.class);

  private final ResourceKind kind;
  private final CatalogApi api;
  private final Consumer<ObjectKey> changed;
  private final Duration pollInterval;
  /** Last seen state per object: its resourceVersion and its JSON. */
  private final Map<ObjectKey, Seen> known = new HashMap<>();
  private volatile boolean running = true;
  private volatile boolean listedOnce;
  /** The cache reflects a list plus an unbroken watch (or the last poll, without watch). */
  private boolean current;
  private volatile boolean watchSupported = true;
  private volatile InputStream openStream;
  private String lastError;

  public CatalogWatcher(
      ResourceKind kind, CatalogApi api, Consumer<ObjectKey> changed, Duration pollInterval) {
    this.kind = kind;
    this.api = api;
    this.changed = changed;
    this.pollInterval = pollInterval;
  }

  public ResourceKind kind() {
    return kind;
  }

  /** Listed catalog-api successfully at least once. */
  public boolean listedOnce() {
    return listedOnce;
  }

  public boolean watching() {
    return watchSupported;
  }

  private record Seen(String resourceVersion, byte[] json) {
    static Seen of(JsonNode obj) {
      try {
        return new Seen(
            obj.path("metadata").path("resourceVersion").asText(""),
            io.servicecatalog.model.Json.MAPPER.writeValueAsBytes(obj));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * The object as last listed or watched: empty when it is not there; null when nothing can be
   * said yet (never listed, or watch broken and not listed again).
   */
  public Optional<ObjectNode> cached(ObjectKey key) {
    Seen seen;
    synchronized (this) {
      if (!current) {
        return null;
      }
      seen = known.get(key);
    }
    if (seen == null) {
      return Optional.empty();
    }
    try {
      return Optional.of((ObjectNode) io.servicecatalog.model.Json.MAPPER.readTree(seen.json()));
    } catch (IOException e) {
      return null;
    }
  }

  /** Keys of every object known now (for the periodic resync). */
  public synchronized Set<ObjectKey> keys() {
    return new HashSet<>(known.keySet());
  }

  @Override
  public void run() {
    Duration backoff = pollInterval;
    while (running) {
      try {
        String rv = relist();
        synchronized (this) {
          current = true;
        }
        listedOnce = true;
        backoff = pollInterval;
        lastError = null;
        if (watchSupported) {
          long started = System.nanoTime();
          WatchEnd end = api.watch(kind, rv, in -> openStream = in, this::onEvent);
          openStream = null;
          notCurrent();
          if (Duration.ofNanos(System.nanoTime() - started).compareTo(pollInterval) < 0) {
            sleep(pollInterval); // a watch that ends at once must not turn into a busy loop
          }
          if (end == WatchEnd.UNSUPPORTED) {
            watchSupported = false;
            LOG.infof(
                "catalog-api cannot watch %s: listing it every %s instead",
                kind.plural(), pollInterval);
          }
          // CLOSED or EXPIRED: list again right away
        } else {
          sleep(pollInterval);
        }
      } catch (CatalogApiException e) {
        notCurrent();
        if (!running) {
          return;
        }
        String msg = e.getMessage();
        if (!msg.equals(lastError)) {
          // a kind catalog-api does not serve (yet) answers 404 here: said once, then quiet
          LOG.warnf("following %s in catalog-api: %s (retrying)", kind.plural(), msg);
          lastError = msg;
        }
        sleep(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
                ? Duration.ofSeconds(30)
                : backoff.multipliedBy(2);
      } catch (RuntimeException e) {
        notCurrent();
        if (!running) {
          return;
        }
        LOG.errorf(e, "following %s in catalog-api failed; retrying", kind.plural());
        sleep(backoff);
      }
    }
  }

  /** Lists the kind, reports what differs from what was known, returns the list's version. */
  private String relist() {
    JsonNode list = api.list(kind);
    Map<ObjectKey, Seen> now = new HashMap<>();
    for (JsonNode item : list.path("items")) {
      now.put(key(item), Seen.of(item));
    }
    Set<ObjectKey> report = new HashSet<>();
    synchronized (this) {
      for (Map.Entry<ObjectKey, Seen> e : now.entrySet()) {
        Seen before = known.get(e.getKey());
        if (before == null || !e.getValue().resourceVersion().equals(before.resourceVersion())) {
          report.add(e.getKey());
        }
      }
      for (ObjectKey k : known.keySet()) {
        if (!now.containsKey(k)) {
          report.add(k);
        }
      }
      known.clear();
      known.putAll(now);
    }
    report.forEach(changed);
    String rv = list.path("metadata").path("resourceVersion").asText(null);
    return rv == null || rv.isEmpty() ? null : rv;
  }

  private void onEvent(JsonNode event) {
    String type = event.path("type").asText();
    if ("BOOKMARK".equals(type)) {
      return;
    }
    JsonNode obj = event.path("object");
    ObjectKey key = key(obj);
    synchronized (this) {
      if ("DELETED".equals(type)) {
        known.remove(key);
      } else {
        known.put(key, Seen.of(obj));
      }
    }
    changed.accept(key);
  }

  /** Between a watch's end and the next list, changes may be missed: nothing is said from memory. */
  private synchronized void notCurrent() {
    current = false;
  }

  private ObjectKey key(JsonNode obj) {
    JsonNode meta = obj.path("metadata");
    return ObjectKey.of(kind, meta.path("namespace").asText(null), meta.path("name").asText());
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  public void stop() {
    running = false;
    InputStream in = openStream;
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // closing to unblock the reader
      }
    }
  }
}
