package io.servicecatalog.examples.mariadb.api;

import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.servicecatalog.examples.mariadb.broker.InstanceService;
import io.servicecatalog.examples.mariadb.broker.InstanceService.ProvisionResult;
import io.servicecatalog.examples.mariadb.osb.LastOperationResponse;
import io.servicecatalog.examples.mariadb.osb.ProvisionRequest;
import io.servicecatalog.examples.mariadb.osb.ProvisionResponse;
import io.smallrye.common.annotation.Blocking;

/** Provision, poll and deprovision. JDBC blocks, hence worker threads (@Blocking). */
@Path("/v2/service_instances/{instance_id}")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ServiceInstanceResource {

    private final InstanceService instances;

    ServiceInstanceResource(InstanceService instances) {
        this.instances = instances;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @OsbOperation("provision")
    public Response provision(@PathParam("instance_id") String instanceId,
            @QueryParam("accepts_incomplete") String acceptsIncomplete,
            ProvisionRequest request) {
        ProvisionResult result = instances.provision(instanceId, request, isTrue(acceptsIncomplete));
        return switch (result.outcome()) {
            case CREATED -> Response.status(Response.Status.CREATED).entity(ProvisionResponse.empty()).build();
            case ALREADY_EXISTS -> Response.ok(ProvisionResponse.empty()).build();
            case ACCEPTED -> Response.accepted(ProvisionResponse.accepted(result.operation())).build();
        };
    }

    @GET
    @Path("last_operation")
    @OsbOperation("last_operation")
    public Response lastOperation(@PathParam("instance_id") String instanceId,
            @QueryParam("service_id") String serviceId,
            @QueryParam("plan_id") String planId,
            @QueryParam("operation") String operation) {
        return instances.lastOperation(instanceId, operation)
                .map(state -> {
                    Response.ResponseBuilder ok = Response.ok(state);
                    // Tells the platform how soon another poll is worth making.
                    return state.state() == LastOperationResponse.State.IN_PROGRESS
                            ? ok.header("Retry-After", "1").build()
                            : ok.build();
                })
                .orElseGet(ServiceInstanceResource::gone);
    }

    @DELETE
    @OsbOperation("deprovision")
    public Response deprovision(@PathParam("instance_id") String instanceId,
            @QueryParam("service_id") String serviceId,
            @QueryParam("plan_id") String planId,
            @QueryParam("accepts_incomplete") String acceptsIncomplete) {
        // Deprovisioning is always synchronous, so accepts_incomplete does not matter.
        return instances.deprovision(instanceId, serviceId, planId) ? Response.ok(Map.of()).build() : gone();
    }

    static Response gone() {
        return Response.status(Response.Status.GONE).entity(Map.of()).build();
    }

    /** Anything but "true" (case-insensitive) means the platform cannot handle 202. */
    static boolean isTrue(String flag) {
        return "true".equalsIgnoreCase(flag);
    }
}
