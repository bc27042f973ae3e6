package io.servicecatalog.model.v1beta1;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.ServiceCatalog;

/** A broker endpoint whose catalog becomes ClusterServiceClasses and ClusterServicePlans. */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Plural("clusterservicebrokers")
public class ClusterServiceBroker extends CustomResource<ServiceBrokerSpec, ServiceBrokerStatus> {}
