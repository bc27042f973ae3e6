package io.servicecatalog.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Kubernetes timestamps: RFC 3339, UTC, whole seconds. */
public final class Times {
  private Times() {}

  public static String now() {
    return format(Instant.now());
  }

  public static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
