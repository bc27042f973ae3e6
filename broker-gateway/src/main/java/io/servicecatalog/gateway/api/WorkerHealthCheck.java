package io.servicecatalog.gateway.api;

import io.servicecatalog.gateway.reconcile.OperationWorker;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the worker can claim operations (the database answers its claim query). */
@Readiness
@ApplicationScoped
public class WorkerHealthCheck implements HealthCheck {
  private final OperationWorker worker;

  public WorkerHealthCheck(OperationWorker worker) {
    this.worker = worker;
  }

  @Override
  public HealthCheckResponse call() {
    Instant last = worker.lastClaim();
    boolean recent = last != null && Duration.between(last, Instant.now()).compareTo(Duration.ofSeconds(30)) < 0;
    HealthCheckResponseBuilder b = HealthCheckResponse.named("operation-worker")
        .status(recent)
        .withData("owner", worker.owner())
        .withData("inHand", worker.inHand())
        .withData("steps", worker.steps());
    if (last != null) {
      b.withData("lastClaim", last.toString());
    }
    if (worker.lastClaimError() != null) {
      b.withData("lastClaimError", worker.lastClaimError());
    }
    return b.build();
  }
}
