package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.crd.generator.annotation.Annotations;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.servicecatalog.model.ServiceCatalog;

/** An OSB plan of a namespaced ServiceClass. */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Kind("ServicePlan")
@Plural("serviceplans")
@Singular("serviceplan")
@ShortNames({"spl"})
@Categories(ClusterServiceBroker.CATEGORY)
@Annotations(ClusterServiceBroker.API_APPROVAL)
@JsonClassDescription("An OSB plan of a namespaced ServiceClass.")
@AdditionalPrinterColumn(
    name = "External-Name",
    jsonPath = ".spec.externalName",
    type = Type.STRING,
    getDescription = "The plan's name at the broker")
@AdditionalPrinterColumn(
    name = "Broker",
    jsonPath = ".spec.serviceBrokerName",
    type = Type.STRING,
    getDescription = "The ServiceBroker offering it")
@AdditionalPrinterColumn(
    name = "Class",
    jsonPath = ".spec.serviceClassRef.name",
    type = Type.STRING,
    getDescription = "The ServiceClass it belongs to")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ServicePlan extends CustomResource<ServicePlanSpec, ServicePlanStatus>
    implements Namespaced {}
