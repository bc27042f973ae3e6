package io.servicecatalog.model.v1beta1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.ServiceCatalog;

/** A broker registered in one namespace; its catalog becomes ServiceClasses and ServicePlans there. */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Plural("servicebrokers")
public class ServiceBroker extends CustomResource<ServiceBrokerSpec, ServiceBrokerStatus> implements Namespaced {}
