package io.servicecatalog.model.v1beta1;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.ServiceCatalog;

/** An OSB plan of a ClusterServiceClass; written by the catalog from the broker. */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Plural("clusterserviceplans")
public class ClusterServicePlan extends CustomResource<ServicePlanSpec, ServicePlanStatus> {}
