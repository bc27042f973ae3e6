package io.servicecatalog.model.v1beta1;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.ServiceCatalog;

/** An OSB service offering of a ClusterServiceBroker; written by the catalog from the broker. */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Plural("clusterserviceclasses")
public class ClusterServiceClass extends CustomResource<ServiceClassSpec, ServiceClassStatus> {}
