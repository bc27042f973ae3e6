package io.servicecatalog.gateway.api;

import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.gateway.store.OperationStore;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Read-only view of the gateway's operations table, for operators (holds no credentials). */
@Path("/api/v1/operations")
@Produces(MediaType.APPLICATION_JSON)
public class OperationsResource {
  private final OperationStore store;

  public OperationsResource(OperationStore store) {
    this.store = store;
  }

  @GET
  @Operation(summary = "Most recently updated OSB operations, optionally of one state")
  public Uni<List<OperationRecord>> list(@QueryParam("state") OperationState state,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    return store.list(state, Math.max(1, Math.min(limit, 1000)));
  }

  @GET
  @Path("/{resourceUid}")
  @Operation(summary = "Every OSB operation recorded for one resource uid")
  public Uni<List<OperationRecord>> forResource(@PathParam("resourceUid") String resourceUid) {
    return store.findByResource(resourceUid);
  }
}
