package io.servicecatalog.examples.mariadb.api;

import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.servicecatalog.examples.mariadb.broker.BindingService;
import io.servicecatalog.examples.mariadb.broker.BindingService.BindResult;
import io.servicecatalog.examples.mariadb.osb.BindRequest;
import io.smallrye.common.annotation.Blocking;

/** Bind and unbind. Both are synchronous; JDBC blocks, hence worker threads (@Blocking). */
@Path("/v2/service_instances/{instance_id}/service_bindings/{binding_id}")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ServiceBindingResource {

    private final BindingService bindings;

    ServiceBindingResource(BindingService bindings) {
        this.bindings = bindings;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @OsbOperation("bind")
    public Response bind(@PathParam("instance_id") String instanceId,
            @PathParam("binding_id") String bindingId,
            @QueryParam("accepts_incomplete") String acceptsIncomplete,
            BindRequest request) {
        BindResult result = bindings.bind(instanceId, bindingId, request);
        return Response.status(result.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(result.response())
                .build();
    }

    @DELETE
    @OsbOperation("unbind")
    public Response unbind(@PathParam("instance_id") String instanceId,
            @PathParam("binding_id") String bindingId,
            @QueryParam("service_id") String serviceId,
            @QueryParam("plan_id") String planId,
            @QueryParam("accepts_incomplete") String acceptsIncomplete) {
        return bindings.unbind(instanceId, bindingId, serviceId, planId)
                ? Response.ok(Map.of()).build()
                : ServiceInstanceResource.gone();
    }
}
