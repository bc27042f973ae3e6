package io.servicecatalog.gateway.catalogapi;

import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.model.v1beta1.ClusterServiceClass;
import io.servicecatalog.model.v1beta1.ClusterServicePlan;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBroker;
import io.servicecatalog.model.v1beta1.ServiceClass;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.model.v1beta1.ServicePlan;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** catalog-api's Kubernetes-style read API (the only reads broker-gateway makes of resources). */
@RegisterRestClient(configKey = "catalog-api")
@RegisterProvider(CatalogApiAuthentication.class)
@Path("/apis/servicecatalog.k8s.io/v1beta1")
@Produces(MediaType.APPLICATION_JSON)
public interface CatalogApiClient {

  @GET
  @Path("/clusterservicebrokers/{name}")
  Uni<ClusterServiceBroker> broker(@PathParam("name") String name);

  @GET
  @Path("/clusterserviceclasses/{name}")
  Uni<ClusterServiceClass> serviceClass(@PathParam("name") String name);

  @GET
  @Path("/clusterserviceplans/{name}")
  Uni<ClusterServicePlan> plan(@PathParam("name") String name);

  @GET
  @Path("/namespaces/{namespace}/servicebrokers/{name}")
  Uni<ServiceBroker> namespacedBroker(@PathParam("namespace") String namespace, @PathParam("name") String name);

  @GET
  @Path("/namespaces/{namespace}/serviceclasses/{name}")
  Uni<ServiceClass> namespacedServiceClass(@PathParam("namespace") String namespace, @PathParam("name") String name);

  @GET
  @Path("/namespaces/{namespace}/serviceplans/{name}")
  Uni<ServicePlan> namespacedPlan(@PathParam("namespace") String namespace, @PathParam("name") String name);

  @GET
  @Path("/namespaces/{namespace}/serviceinstances/{name}")
  Uni<ServiceInstance> instance(@PathParam("namespace") String namespace, @PathParam("name") String name);

  @GET
  @Path("/namespaces/{namespace}/servicebindings/{name}")
  Uni<ServiceBinding> binding(@PathParam("namespace") String namespace, @PathParam("name") String name);

  @GET
  @Path("/clusterservicebrokers")
  Uni<ResourceList<ClusterServiceBroker>> brokers();

  @GET
  @Path("/servicebrokers")
  Uni<ResourceList<ServiceBroker>> namespacedBrokers();

  @GET
  @Path("/serviceinstances")
  Uni<ResourceList<ServiceInstance>> instances(@QueryParam("limit") int limit, @QueryParam("continue") String continueToken);

  @GET
  @Path("/servicebindings")
  Uni<ResourceList<ServiceBinding>> bindings(@QueryParam("limit") int limit, @QueryParam("continue") String continueToken);
}
