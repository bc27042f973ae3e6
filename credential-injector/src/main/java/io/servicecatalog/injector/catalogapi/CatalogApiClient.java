package io.servicecatalog.injector.catalogapi;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The part of catalog-api's Kubernetes-style REST surface the injector reads. Answers come back
 * raw (status + text) so that a 404 can be told apart from a misrouted request: only a Kubernetes
 * {@code Status} with reason {@code NotFound} means the binding is gone. The default exception
 * mapper is disabled for this client in application.properties.
 */
@RegisterRestClient(configKey = "catalog-api")
@RegisterProvider(CatalogApiAuthentication.class)
@Path("/apis/servicecatalog.k8s.io/v1beta1")
public interface CatalogApiClient {

  @GET
  @Path("/namespaces/{namespace}/servicebindings/{name}")
  @Produces(MediaType.APPLICATION_JSON)
  Response getServiceBinding(
      @PathParam("namespace") String namespace, @PathParam("name") String name);
}
