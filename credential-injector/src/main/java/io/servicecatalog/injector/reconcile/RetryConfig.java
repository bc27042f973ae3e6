package io.servicecatalog.injector.reconcile;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Backoff for work that failed for a reason that may pass (Kubernetes API errors and the like). */
@ConfigMapping(prefix = "servicecatalog.injector.retry")
public interface RetryConfig {

  /** Delay before the first retry; doubles on every further failure. */
  @WithDefault("1s")
  Duration initialDelay();

  /** Cap of the doubling delay. */
  @WithDefault("5m")
  Duration maxDelay();

  /**
   * After this long, the work is reported as a terminal failure and its record acknowledged.
   * Until then the record stays unacknowledged (offsets behind it are not committed), so a
   * restart redelivers it: pending retries survive restarts.
   */
  @WithDefault("24h")
  Duration giveUpAfter();
}
