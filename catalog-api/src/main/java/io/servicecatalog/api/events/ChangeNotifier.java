package io.servicecatalog.api.events;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.pgclient.pubsub.PgSubscriber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Tells this process, within milliseconds, that some replica committed new outbox rows: the
 * outbox table's trigger sends a PostgreSQL NOTIFY (payload: the resource kind) on commit, and
 * this LISTENs on its own connection. Watches and the relay react to it instead of polling on a
 * short fixed interval; their slow safety ticks remain for the time the listener is reconnecting.
 */
@ApplicationScoped
public class ChangeNotifier {
  private static final Logger LOG = Logger.getLogger(ChangeNotifier.class);
  /** Must match the channel in the migration that installs the outbox trigger. */
  static final String CHANNEL = "catalog_api_outbox";
  /** Delivered to listeners after a (re)connect: anything may have been missed meanwhile. */
  public static final String ANY_KIND = "*";

  private final Set<Consumer<String>> listeners = new CopyOnWriteArraySet<>();
  private final Vertx vertx;
  private final String url;
  private final Optional<String> user;
  private final Optional<String> password;
  private final Optional<String> sslMode;
  private final boolean trustAll;
  private volatile PgSubscriber subscriber;
  private volatile boolean connected;

  public ChangeNotifier(Vertx vertx,
      @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
      @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
      @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
      @ConfigProperty(name = "quarkus.datasource.reactive.postgresql.ssl-mode") Optional<String> sslMode,
      @ConfigProperty(name = "quarkus.datasource.reactive.trust-all", defaultValue = "false") boolean trustAll) {
    this.vertx = vertx;
    this.url = url;
    this.user = user;
    this.password = password;
    this.sslMode = sslMode;
    this.trustAll = trustAll;
  }

  void start(@Observes StartupEvent ev) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    user.ifPresent(options::setUser);
    password.ifPresent(options::setPassword);
    sslMode.ifPresent(m -> options.setSslMode(SslMode.of(m)));
    if (trustAll) {
      options.setTrustAll(true);
    }
    options.addProperty("application_name", "catalog-api-listener");
    PgSubscriber s = PgSubscriber.subscriber(vertx, options);
    // Reconnect forever, a second apart: watches fall back to their safety tick meanwhile.
    s.reconnectPolicy(retries -> 1000L);
    s.closeHandler(v -> {
      if (connected) {
        LOG.warn("Lost the LISTEN connection to PostgreSQL; watches poll on their safety tick until it is back");
      }
      connected = false;
    });
    s.channel(CHANNEL)
        .subscribeHandler(v -> {
          connected = true;
          LOG.debugf("Listening on %s", CHANNEL);
          fire(ANY_KIND);
        })
        .handler(this::fire);
    subscriber = s;
    s.connect().onFailure(f -> LOG.warnf("LISTEN connection not established yet (%s); retrying", f.getMessage()));
  }

  void stop(@Observes ShutdownEvent ev) {
    PgSubscriber s = subscriber;
    if (s != null) {
      s.close();
    }
  }

  /** True while notifications arrive; false means listeners should rely on their own ticks. */
  public boolean connected() {
    return connected;
  }

  /** The listener receives the kind of resource that changed, or {@link #ANY_KIND}. */
  public void listen(Consumer<String> listener) {
    listeners.add(listener);
  }

  public void unlisten(Consumer<String> listener) {
    listeners.remove(listener);
  }

  private void fire(String kind) {
    for (Consumer<String> l : listeners) {
      try {
        l.accept(kind == null || kind.isEmpty() ? ANY_KIND : kind);
      } catch (RuntimeException e) {
        LOG.debugf("change listener failed: %s", e.toString());
      }
    }
  }
}
