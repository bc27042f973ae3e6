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
 *   <li>{@code servicecatalog_injector_secrets_repaired_total{cause=deleted|edited}}: Secrets
 *       restored after someone deleted or edited them
 *   <li>{@code servicecatalog_injector_credentials_rotated_total}: Secrets whose credentials a
 *       new envelope replaced
 *   <li>{@code servicecatalog_injector_workloads_restarted_total{kind}}: rolling restarts after
 *       rotations
 *   <li>{@code servicecatalog_injector_envelopes_held}: sealed envelopes kept for repairs
 *   <li>{@code servicecatalog_injector_secrets_watched}: Secrets in the watch cache (only the
 *       injector's own)
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

  public void repaired(String cause) {
    Counter.builder("servicecatalog.injector.secrets.repaired")
        .description("Binding Secrets restored after they were deleted or edited by hand")
        .tag("cause", cause)
        .register(registry)
        .increment();
  }

  public void rotated() {
    Counter.builder("servicecatalog.injector.credentials.rotated")
        .description("Binding Secrets whose credentials were replaced by a new envelope")
        .register(registry)
        .increment();
  }

  public void restarted(String kind) {
    Counter.builder("servicecatalog.injector.workloads.restarted")
        .description("Workloads given a rolling restart after their credentials rotated")
        .tag("kind", kind)
        .register(registry)
        .increment();
  }

  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value, s -> s.get().doubleValue())
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  public void pendingRetries(Supplier<Number> size) {
    Gauge.builder("servicecatalog.injector.retries.pending", size, s -> s.get().doubleValue())
        .description("Work waiting for its next attempt")
        .strongReference(true)
        .register(registry);
  }
}
