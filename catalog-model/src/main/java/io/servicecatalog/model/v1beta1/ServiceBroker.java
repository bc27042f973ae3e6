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

/**
 * A broker registered in one namespace; its catalog becomes ServiceClasses and ServicePlans there.
 */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Kind("ServiceBroker")
@Plural("servicebrokers")
@Singular("servicebroker")
@ShortNames({"sbr"})
@Categories(ClusterServiceBroker.CATEGORY)
@Annotations(ClusterServiceBroker.API_APPROVAL)
@JsonClassDescription(
    "An Open Service Broker API endpoint registered in one namespace; its catalog becomes "
        + "ServiceClasses and ServicePlans usable only there.")
@AdditionalPrinterColumn(
    name = "URL",
    jsonPath = ".spec.url",
    type = Type.STRING,
    getDescription = "The broker's base URL")
@AdditionalPrinterColumn(
    name = "Status",
    jsonPath = ".status.lastConditionState",
    type = Type.STRING,
    getDescription = "Ready, Failed, or the reason it is not ready")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ServiceBroker extends CustomResource<ServiceBrokerSpec, ServiceBrokerStatus>
    implements Namespaced {}
