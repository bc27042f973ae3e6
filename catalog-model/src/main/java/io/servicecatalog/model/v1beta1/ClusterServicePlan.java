package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.crd.generator.annotation.Annotations;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.servicecatalog.model.ServiceCatalog;

/** An OSB plan of a ClusterServiceClass; written by the catalog from the broker. */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Kind("ClusterServicePlan")
@Plural("clusterserviceplans")
@Singular("clusterserviceplan")
@ShortNames({"csp"})
@Categories(ClusterServiceBroker.CATEGORY)
@Annotations(ClusterServiceBroker.API_APPROVAL)
@JsonClassDescription(
    "An OSB plan of a ClusterServiceClass, written by the catalog from the broker's catalog.")
@AdditionalPrinterColumn(
    name = "External-Name",
    jsonPath = ".spec.externalName",
    type = Type.STRING,
    getDescription = "The plan's name at the broker")
@AdditionalPrinterColumn(
    name = "Broker",
    jsonPath = ".spec.clusterServiceBrokerName",
    type = Type.STRING,
    getDescription = "The ClusterServiceBroker offering it")
@AdditionalPrinterColumn(
    name = "Class",
    jsonPath = ".spec.clusterServiceClassRef.name",
    type = Type.STRING,
    getDescription = "The ClusterServiceClass it belongs to")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ClusterServicePlan extends CustomResource<ServicePlanSpec, ServicePlanStatus> {}
