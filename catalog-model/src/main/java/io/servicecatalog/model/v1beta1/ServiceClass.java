package io.servicecatalog.model.v1beta1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.ServiceCatalog;

/** An OSB service offering of a namespaced ServiceBroker, usable in that namespace only. */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Plural("serviceclasses")
public class ServiceClass extends CustomResource<ServiceClassSpec, ServiceClassStatus> implements Namespaced {}
