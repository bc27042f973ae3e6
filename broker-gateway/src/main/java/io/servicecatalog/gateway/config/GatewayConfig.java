package io.servicecatalog.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** Every {@code servicecatalog.*} setting of broker-gateway, in one place. */
@ConfigMapping(prefix = "servicecatalog")
public interface GatewayConfig {

  CatalogApi catalogApi();

  Credentials credentials();

  Osb osb();

  Polling polling();

  Retry retry();

  Worker worker();

  Rotation rotation();

  Drift drift();

  /** How often every broker, instance and binding is listed from catalog-api and re-decided. */
  @WithDefault("5m")
  Duration resyncInterval();

  /**
   * Instances and bindings a resync reads from catalog-api at a time: each page is decided
   * before the next is read, so a resync's memory does not grow with the catalog.
   */
  @WithDefault("500")
  int resyncPageSize();

  /** Delay before the first resync after start (events replayed from Kafka come first). */
  @WithDefault("30s")
  Duration resyncInitialDelay();

  /** Relist period for brokers with relistBehavior Duration and no relistDuration of their own. */
  @WithDefault("24h")
  Duration brokerRelistInterval();

  /** Finished operations of deleted resources are forgotten after this long. */
  @WithDefault("7d")
  Duration retention();

  ClusterId clusterId();

  interface CatalogApi {
    /** Base URL of catalog-api; the REST client "catalog-api" is wired to it. */
    @WithDefault("http://127.0.0.1:8080")
    String url();

    /** The bearer token sent to catalog-api (read by catalogapi/CatalogApiAuthentication). */
    Optional<String> token();

    /** A file holding that token (a mounted Secret or projected token), read again when it changes. */
    Optional<String> tokenFile();

    /**
     * How long brokers, classes and plans read from catalog-api (or seen on the resource topic)
     * are used before being read again; 0 reads them for every step.
     */
    @WithDefault("5s")
    Duration cacheTtl();
  }

  interface Credentials {
    /** Base64 of the 32-byte AES-256 key shared with credential-injector only. */
    Optional<String> key();
  }

  interface Osb {
    /** Timeout of one request to a broker. */
    @WithDefault("60s")
    Duration requestTimeout();

    /** Connection establishment timeout (a connect failure is retried without orphan mitigation). */
    @WithDefault("10s")
    Duration connectTimeout();

    /**
     * Requests on the wire to one broker at once; more wait in a queue, so one slow broker
     * cannot take every worker slot from the others.
     */
    @WithDefault("16")
    int maxConcurrentRequestsPerBroker();

    /**
     * How long a broker's auth Secret, once read, is used without reading it again. A 401 from
     * the broker drops it at once, so a rotated password is picked up on the next attempt.
     */
    @WithDefault("10s")
    Duration authCacheTtl();

    /**
     * The most bytes of one broker answer that are read; a longer body is cut off (the
     * connection is dropped) and the answer treated as malformed, so a broker streaming
     * gigabytes cannot exhaust the gateway's memory.
     */
    @WithDefault("10M")
    MemorySize maxResponseSize();

    /**
     * The largest catalog (as JSON, after catalogRestrictions) forwarded to catalog-api in a
     * result; a larger one fails the fetch with ErrorFetchingCatalog. It must stay below the
     * results producer's {@code max.request.size} and the topic's {@code max.message.bytes}
     * (1 MiB by default), or the result could never be published.
     */
    @WithDefault("900K")
    MemorySize maxCatalogSize();
  }

  interface Rotation {
    /** How long the predecessor of a rotated binding stays valid before it is unbound. */
    @WithDefault("1h")
    Duration gracePeriod();

    /**
     * Automatic rotation of a binding whose broker gave {@code expires_at} but no {@code
     * renew_before}: this long before it expires.
     */
    @WithDefault("1h")
    Duration beforeExpiry();

    /**
     * Automatic rotations of one binding are never closer together than this, whatever the
     * broker's renew_before says (a renew_before in the past would otherwise rotate in a loop).
     */
    @WithDefault("5m")
    Duration minimumInterval();
  }

  interface Drift {
    /**
     * How often each provisioned instance of an {@code instances_retrievable} class is fetched
     * from its broker and compared with the catalog; 0 turns the check off.
     */
    @WithDefault("1h")
    Duration interval();
  }

  interface Polling {
    /** First wait before polling last_operation after a 202. */
    @WithDefault("1s")
    Duration initialInterval();

    /** Cap of the doubling poll interval (a broker's Retry-After is honoured as given). */
    @WithDefault("60s")
    Duration maxInterval();

    /** Give-up time of polling when the plan declares no maximum_polling_duration. */
    @WithDefault("7d")
    Duration maxDuration();
  }

  interface Retry {
    /** First wait before retrying a failed request (or an orphan-mitigation DELETE). */
    @WithDefault("1s")
    Duration initialInterval();

    @WithDefault("20m")
    Duration maxInterval();

    /** Retries of one operation stop after this long (the original's reconciliation-retry-duration). */
    @WithDefault("7d")
    Duration maxDuration();
  }

  interface Worker {
    /** How often due operations are claimed from the table (an insert also wakes the worker). */
    @WithDefault("300ms")
    Duration interval();

    /** How long a claimed operation stays reserved to this process; renewed while it runs. */
    @WithDefault("15s")
    Duration leaseDuration();

    /**
     * Operations executed at the same time by this process (steps wait on I/O, not threads;
     * the per-broker limit keeps one broker from holding all of them).
     */
    @WithDefault("64")
    int maxConcurrency();

    /**
     * Identity written into lease_owner; a random one per process start when absent. When set
     * (e.g. to the pod name) it must be unique among running processes: leases held under it
     * are dropped at start, so a restarted process resumes its rows without waiting for expiry.
     */
    @WithName("owner-id")
    Optional<String> ownerId();
  }

  interface ClusterId {
    @WithDefault("default")
    String configMapNamespace();

    @WithDefault("cluster-info")
    String configMapName();
  }
}
