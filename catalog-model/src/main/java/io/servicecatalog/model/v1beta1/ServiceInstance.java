package io.servicecatalog.model.v1beta1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.ServiceCatalog;

/** A provisioned (or to-be-provisioned) service instance of a plan. */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Plural("serviceinstances")
public class ServiceInstance extends CustomResource<ServiceInstanceSpec, ServiceInstanceStatus>
    implements Namespaced {}
