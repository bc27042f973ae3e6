package io.servicecatalog.api.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.api.events.ChangeNotifier;
import io.servicecatalog.api.query.Selector;
import io.servicecatalog.api.rest.ApiException;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * {@code ?watch=true} on any list path: the Kubernetes watch stream, one JSON event per line
 * (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR). Events come from the outbox, which keeps each
 * change with its resourceVersion for a retention window, so a watch resumes from any version in
 * that window on any replica; older versions get an ERROR event with a 410 Expired Status.
 *
 * <p>A watch reads new rows when {@link ChangeNotifier} says its kind changed (PostgreSQL
 * NOTIFY on commit), and on a slow safety tick. Changes of different objects may commit out of
 * resourceVersion order; the tick therefore also looks for rows of the last few seconds below
 * the cursor that this watch has not sent yet (only their versions first, payloads when missing).
 */
@ApplicationScoped
public class WatchRoute {
  private static final Logger LOG = Logger.getLogger(WatchRoute.class);
  private static final String PREFIX = "/apis/" + ServiceCatalog.API_VERSION + "/";
  private static final int LATE_COMMIT_WINDOW_SECONDS = 5;

  @Inject Pool pool;
  @Inject ChangeNotifier notifier;

  /** The safety tick: new rows without a notification, and late commits below the cursor. */
  @ConfigProperty(name = "servicecatalog.watch.poll-interval-ms", defaultValue = "1000")
  long pollIntervalMs;

  @ConfigProperty(name = "servicecatalog.watch.bookmark-interval-ms", defaultValue = "15000")
  long bookmarkIntervalMs;

  @ConfigProperty(name = "servicecatalog.watch.default-timeout-seconds", defaultValue = "1800")
  long defaultTimeoutSeconds;

  void routes(@Observes Router router) {
    router.get(PREFIX + "*").order(-100).handler(this::maybeWatch);
  }

  private void maybeWatch(RoutingContext ctx) {
    String watch = ctx.request().getParam("watch");
    if (!"true".equals(watch) && !"1".equals(watch)) {
      ctx.next();
      return;
    }
    String rest = ctx.normalizedPath().substring(PREFIX.length());
    String[] parts = rest.split("/");
    String namespace = null;
    String plural;
    if (parts.length == 3 && parts[0].equals("namespaces")) {
      namespace = parts[1];
      plural = parts[2];
    } else if (parts.length == 1) {
      plural = parts[0];
    } else {
      ctx.next(); // not a list path: let the API answer
      return;
    }
    ResourceKind kind = ResourceKind.fromPlural(plural).orElse(null);
    if (kind == null || (namespace != null && !kind.namespaced())) {
      ctx.next();
      return;
    }
    Selector selector;
    try {
      selector = Selector.parse(ctx.request().getParam("labelSelector"), ctx.request().getParam("fieldSelector"));
    } catch (ApiException e) {
      fail(ctx, e);
      return;
    }
    String since = ctx.request().getParam("resourceVersion");
    long timeout = parseLong(ctx.request().getParam("timeoutSeconds"), defaultTimeoutSeconds);
    if (timeout <= 0 || timeout > defaultTimeoutSeconds) {
      // As kube-apiserver: 0 (or nonsense) means the server's own limit. A zero delay also cannot
      // be scheduled as a timer (a fuzzed request found that the exception was dropped).
      timeout = defaultTimeoutSeconds;
    }
    boolean bookmarks = "true".equals(ctx.request().getParam("allowWatchBookmarks"));
    Watch w = new Watch(ctx, kind, namespace, selector, bookmarks, timeout);
    w.asTable = io.servicecatalog.api.query.Tables.wanted(ctx.request().getHeader("Accept"));
    w.start(since);
  }

  /** One open watch: its cursor, what it has already sent, and its timers. */
  private final class Watch {
    final RoutingContext ctx;
    final HttpServerResponse resp;
    final ResourceKind kind;
    final String namespace;
    final Selector selector;
    final boolean bookmarks;
    final long timeoutSeconds;
    long lastRv;
    /** The version the watch started after: nothing at or below it is ever sent. */
    long startRv;
    final Map<Long, Long> recentlySent = new LinkedHashMap<>();
    long pollTimer = -1;
    long bookmarkTimer = -1;
    long endTimer = -1;
    boolean polling;
    /** A notification came while a poll was running: poll again when it ends. */
    boolean pollAgain;
    boolean closed;
    final io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    final java.util.function.Consumer<String> onChange;
    /** kubectl get --watch asks for each object as a one-row Table. */
    boolean asTable;

    Watch(RoutingContext ctx, ResourceKind kind, String namespace, Selector selector, boolean bookmarks,
        long timeoutSeconds) {
      this.ctx = ctx;
      this.resp = ctx.response();
      this.kind = kind;
      this.namespace = namespace;
      this.selector = selector;
      this.bookmarks = bookmarks;
      this.timeoutSeconds = timeoutSeconds;
      String watched = kind.kind();
      this.onChange = changedKind -> {
        if (ChangeNotifier.ANY_KIND.equals(changedKind) || watched.equals(changedKind)) {
          context.runOnContext(v -> poll());
        }
      };
    }

    void start(String since) {
      resp.setChunked(true).setStatusCode(200).putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-cache");
      resp.closeHandler(v -> close());
      ctx.request().connection().closeHandler(v -> close());
      boolean fromNow = since == null || since.isEmpty() || since.equals("0");
      if (fromNow) {
        initialState().subscribe().with(x -> live(), this::error);
      } else {
        long rv;
        try {
          rv = Long.parseLong(since);
        } catch (NumberFormatException e) {
          expired("invalid resource version: " + since);
          return;
        }
        pool.query("select pruned_through from catalog_api.watch_horizon where id = 1").execute()
            .subscribe().with(rows -> {
              long pruned = rows.iterator().next().getLong(0);
              if (rv < pruned) {
                expired("too old resource version: " + rv + " (" + pruned + ")");
                return;
              }
              lastRv = rv;
              live();
            }, this::error);
      }
    }

    /** Without a resourceVersion: every existing object as ADDED, then the changes after them. */
    io.smallrye.mutiny.Uni<Void> initialState() {
      String sql = "select body, resource_version from catalog_api.resources where kind = $1"
          + (namespace == null ? "" : " and namespace = $2") + " order by namespace, name";
      Tuple args = namespace == null ? Tuple.of(kind.kind()) : Tuple.of(kind.kind(), namespace);
      return pool.query("select case when is_called then last_value else 0 end from catalog_api.resource_version_seq")
          .execute()
          .flatMap(seq -> {
            lastRv = seq.iterator().next().getLong(0);
            return pool.preparedQuery(sql).execute(args);
          })
          .invoke(rows -> {
            for (Row r : rows) {
              JsonNode o = parse(r.getString(0));
              if (selector.test(o)) {
                send("ADDED", o);
              }
            }
          })
          .replaceWithVoid();
    }

    void live() {
      if (closed) {
        return;
      }
      startRv = lastRv;
      var vertx = ctx.vertx();
      notifier.listen(onChange);
      pollTimer = vertx.setPeriodic(pollIntervalMs, id -> {
        poll();
        lateCommits();
      });
      if (bookmarks) {
        bookmarkTimer = vertx.setPeriodic(bookmarkIntervalMs, id -> bookmark());
      }
      endTimer = vertx.setTimer(timeoutSeconds * 1000, id -> {
        close();
        resp.end();
      });
      poll();
    }

    /** Rows after the cursor; coalesces notifications that arrive while it runs. */
    void poll() {
      if (closed) {
        return;
      }
      if (polling) {
        pollAgain = true;
        return;
      }
      polling = true;
      String sql = "select resource_version, payload from catalog_api.outbox where kind = $1"
          + (namespace == null ? "" : " and namespace = $3")
          + " and resource_version > $2 order by resource_version limit 1000";
      Tuple args = namespace == null ? Tuple.of(kind.kind(), lastRv) : Tuple.of(kind.kind(), lastRv, namespace);
      pool.preparedQuery(sql).execute(args).subscribe().with(rows -> {
        polling = false;
        deliver(rows);
        if (pollAgain || rows.size() == 1000) {
          pollAgain = false;
          poll();
        }
      }, f -> {
        polling = false;
        LOG.debugf("watch poll failed, retrying: %s", f.getMessage());
      });
    }

    /**
     * Rows of the last seconds below the cursor that were not sent: a transaction that took its
     * resourceVersion before another but committed after it. Versions first (cheap), then the
     * payloads of the missing ones only.
     */
    void lateCommits() {
      if (closed || lastRv <= startRv) {
        return;
      }
      String sql = "select resource_version from catalog_api.outbox where kind = $1"
          + (namespace == null ? "" : " and namespace = $4")
          + " and resource_version > $2 and resource_version <= $3 and created_at > now() - interval '"
          + LATE_COMMIT_WINDOW_SECONDS + " seconds'";
      Tuple args = namespace == null ? Tuple.of(kind.kind(), startRv, lastRv)
          : Tuple.of(kind.kind(), startRv, lastRv, namespace);
      pool.preparedQuery(sql).execute(args).subscribe().with(rows -> {
        List<Long> missing = new java.util.ArrayList<>();
        for (Row r : rows) {
          long rv = r.getLong(0);
          if (!recentlySent.containsKey(rv)) {
            missing.add(rv);
          }
        }
        if (missing.isEmpty() || closed) {
          forgetOld();
          return;
        }
        pool.preparedQuery("select resource_version, payload from catalog_api.outbox where resource_version = any($1)"
                + " order by resource_version")
            .execute(Tuple.tuple().addArrayOfLong(missing.toArray(new Long[0])))
            .subscribe().with(this::deliver, f -> LOG.debugf("watch late-commit read failed: %s", f.getMessage()));
      }, f -> LOG.debugf("watch late-commit check failed: %s", f.getMessage()));
    }

    void deliver(Iterable<Row> rows) {
      long now = System.currentTimeMillis();
      for (Row r : rows) {
        long rv = r.getLong(0);
        if (recentlySent.containsKey(rv) || rv <= startRv) {
          continue;
        }
        JsonNode event = parse(r.getString(1));
        JsonNode object = event.get("object");
        recentlySent.put(rv, now);
        lastRv = Math.max(lastRv, rv);
        if (object != null && selector.test(object)) {
          send(event.get("type").asText(), object);
        }
      }
      forgetOld();
    }

    /** Versions sent longer ago than the late-commit window (plus a margin) cannot come again. */
    void forgetOld() {
      long now = System.currentTimeMillis();
      recentlySent.values().removeIf(t -> now - t > (LATE_COMMIT_WINDOW_SECONDS + 5) * 1000L);
    }

    void bookmark() {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("kind", kind.kind()).put("apiVersion", ServiceCatalog.API_VERSION);
      o.putObject("metadata").put("resourceVersion", Long.toString(lastRv));
      send("BOOKMARK", o);
    }

    void send(String type, JsonNode object) {
      if (closed) {
        return;
      }
      ObjectNode e = Json.MAPPER.createObjectNode();
      e.put("type", type);
      e.set("object", asTable && !"BOOKMARK".equals(type) && !"ERROR".equals(type)
          ? io.servicecatalog.api.query.Tables.table(kind, List.of(object), null, null) : object);
      resp.write(e.toString() + "\n");
    }

    void expired(String message) {
      ObjectNode status = Json.MAPPER.createObjectNode();
      status.put("kind", "Status").put("apiVersion", "v1").put("status", "Failure").put("message", message)
          .put("reason", "Expired").put("code", 410);
      status.putObject("metadata");
      send("ERROR", status);
      close();
      resp.end();
    }

    void error(Throwable f) {
      LOG.warnf("watch of %s failed: %s", kind.plural(), f.getMessage());
      if (!closed) {
        close();
        resp.end();
      }
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      notifier.unlisten(onChange);
      var vertx = ctx.vertx();
      List.of(pollTimer, bookmarkTimer, endTimer).forEach(t -> {
        if (t >= 0) {
          vertx.cancelTimer(t);
        }
      });
    }
  }

  private static void fail(RoutingContext ctx, ApiException e) {
    var status = e.status();
    status.setApiVersion("v1");
    status.setKind("Status");
    try {
      ctx.response().setStatusCode(e.code()).putHeader("Content-Type", "application/json")
          .end(Json.MAPPER.writeValueAsString(status));
    } catch (Exception ex) {
      ctx.fail(ex);
    }
  }

  private static JsonNode parse(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long parseLong(String s, long dflt) {
    try {
      return s == null ? dflt : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

}
