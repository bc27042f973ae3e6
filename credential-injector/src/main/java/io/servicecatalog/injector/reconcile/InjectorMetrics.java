package io.servicecatalog.injector.reconcile;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.servicecatalog.injector.secrets.SecretWriter;
import io.servicecatalog.model.events.OperationResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Supplier;

/**
 * Prometheus counters (at /q/metrics):
 *
 * <ul>
 *   <li>{@code servicecatalog_injector_secrets_written_total{result=created|updated|unchanged}}
 *   <li>{@code servicecatalog_injector_secrets_deleted_total}
 *   <li>{@code servicecatalog_injector_secrets_failed_total{operation, terminal}}: failed attempts
 *   <li>{@code servicecatalog_injector_envelopes_skipped_total{reason}}: credentials not written
 *       because the binding is gone, replaced or being deleted, or the record was unreadable
 *   <li>{@code servicecatalog_injector_retries_pending}: work waiting for its next attempt
 * </ul>
 */
@ApplicationScoped
public class InjectorMetrics {
  private final MeterRegistry registry;

  @Inject
  public InjectorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void written(SecretWriter.WriteOutcome outcome) {
    Counter.builder("servicecatalog.injector.secrets.written")
        .description("Binding Secrets written (created, updated) or found already up to date")
        .tag("result", outcome.name().toLowerCase())
        .register(registry)
        .increment();
  }

  public void deleted() {
    Counter.builder("servicecatalog.injector.secrets.deleted")
        .description("Binding Secrets deleted")
        .register(registry)
        .increment();
  }

  public void failed(OperationResult.Operation operation, boolean terminal) {
    Counter.builder("servicecatalog.injector.secrets.failed")
        .description("Failed attempts to write or delete a binding Secret")
        .tag("operation", operation.name())
        .tag("terminal", Boolean.toString(terminal))
        .register(registry)
        .increment();
  }

  public void skipped(String reason) {
    Counter.builder("servicecatalog.injector.envelopes.skipped")
        .description("Credentials records not written to a Secret, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  public void pendingRetries(Supplier<Number> size) {
    Gauge.builder("servicecatalog.injector.retries.pending", size, s -> s.get().doubleValue())
        .description("Work waiting for its next attempt")
        .strongReference(true)
        .register(registry);
  }
}
