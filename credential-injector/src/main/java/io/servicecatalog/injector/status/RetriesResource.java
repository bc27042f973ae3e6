package io.servicecatalog.injector.status;

import io.servicecatalog.injector.reconcile.ReconcileQueue;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** What the injector is still retrying, and why: binding coordinates and errors, never data. */
@Path("/injector/retries")
public class RetriesResource {

  @Inject ReconcileQueue queue;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Pending retries",
      description =
          "Secret writes and deletions that failed for a reason that may pass and are waiting"
              + " for their next attempt.")
  public List<ReconcileQueue.PendingRetry> pending() {
    return queue.pending();
  }
}
