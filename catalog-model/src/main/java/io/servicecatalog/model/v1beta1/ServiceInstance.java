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

/** A provisioned (or to-be-provisioned) service instance of a plan. */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Kind("ServiceInstance")
@Plural("serviceinstances")
@Singular("serviceinstance")
@ShortNames({"si", "inst"})
@Categories(ClusterServiceBroker.CATEGORY)
@Annotations(ClusterServiceBroker.API_APPROVAL)
@JsonClassDescription(
    "A service instance provisioned by a broker from a class and plan (e.g. a database).")
@AdditionalPrinterColumn(
    name = "Class",
    jsonPath = ".status.userSpecifiedClassName",
    type = Type.STRING,
    getDescription = "The class the user asked for")
@AdditionalPrinterColumn(
    name = "Plan",
    jsonPath = ".status.userSpecifiedPlanName",
    type = Type.STRING,
    getDescription = "The plan the user asked for")
@AdditionalPrinterColumn(
    name = "Status",
    jsonPath = ".status.lastConditionState",
    type = Type.STRING,
    getDescription = "Ready, Failed, or the reason it is not ready")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ServiceInstance extends CustomResource<ServiceInstanceSpec, ServiceInstanceStatus>
    implements Namespaced {}
