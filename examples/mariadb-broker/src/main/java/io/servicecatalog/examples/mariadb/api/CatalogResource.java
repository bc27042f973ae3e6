package io.servicecatalog.examples.mariadb.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.servicecatalog.examples.mariadb.broker.BrokerCatalog;
import io.servicecatalog.examples.mariadb.osb.Catalog;

@Path("/v2/catalog")
@Produces(MediaType.APPLICATION_JSON)
public class CatalogResource {

    @GET
    @OsbOperation("catalog")
    public Catalog catalog() {
        return BrokerCatalog.catalog();
    }
}
