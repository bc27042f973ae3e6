package io.servicecatalog.model.v1beta1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.ServiceCatalog;

/** An OSB plan of a namespaced ServiceClass. */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Plural("serviceplans")
public class ServicePlan extends CustomResource<ServicePlanSpec, ServicePlanStatus> implements Namespaced {}
