package io.servicecatalog.syncer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** k8s-syncer's settings; every key can be overridden by an environment variable or -D. */
@ConfigMapping(prefix = "servicecatalog")
public interface SyncerConfig {

  CatalogApi catalogApi();

  Syncer syncer();

  interface CatalogApi {
    /** Base URL of catalog-api, e.g. {@code http://catalog-api.service-catalog.svc:8080}. */
    @WithDefault("http://127.0.0.1:8080")
    String url();

    @WithDefault("5s")
    Duration connectTimeout();

    /** Timeout of one request (not of a watch stream). */
    @WithDefault("15s")
    Duration requestTimeout();

    /** The bearer token sent to catalog-api (which must put k8s-syncer in its system and proxies groups). */
    java.util.Optional<String> token();

    /** A file holding that token (a mounted Secret or projected token), read again when it changes. */
    java.util.Optional<String> tokenFile();
  }

  interface Syncer {
    /** Parallel reconciles (one object is never reconciled by two workers at once). */
    @WithDefault("4")
    int workers();

    /** Every object of both sides is reconciled again this often, whatever the events said. */
    @WithDefault("5m")
    Duration resyncInterval();

    /** How often catalog-api is listed when it cannot watch (or after a watch broke). */
    @WithDefault("2s")
    Duration pollInterval();

    /**
     * Waiting on the other side (a deprovision, a deletion): look again at the latest after this.
     */
    @WithDefault("5s")
    Duration waitRecheck();

    /** First retry delay of a failed reconcile; doubles per failure of the same object. */
    @WithDefault("200ms")
    Duration retryInitialDelay();

    @WithDefault("1m")
    Duration retryMaxDelay();

    /**
     * The syncer's own Kubernetes user: the admission webhook leaves its writes alone, so the
     * mirror of catalog state never looks like a user's change.
     */
    @WithDefault("system:serviceaccount:service-catalog:k8s-syncer")
    String serviceAccountUsername();
  }
}
