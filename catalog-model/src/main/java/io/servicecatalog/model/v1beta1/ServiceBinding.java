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

/** Credentials for an instance, delivered as a Secret in the binding's namespace. */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Kind("ServiceBinding")
@Plural("servicebindings")
@Singular("servicebinding")
@ShortNames({"sbd", "bnd"})
@Categories(ClusterServiceBroker.CATEGORY)
@Annotations(ClusterServiceBroker.API_APPROVAL)
@JsonClassDescription(
    "Credentials for a service instance, delivered by the broker and written to a Secret in the "
        + "binding's namespace.")
@AdditionalPrinterColumn(
    name = "Service-Instance",
    jsonPath = ".spec.instanceRef.name",
    type = Type.STRING,
    getDescription = "The instance the credentials are for")
@AdditionalPrinterColumn(
    name = "Secret-Name",
    jsonPath = ".spec.secretName",
    type = Type.STRING,
    priority = 1,
    getDescription = "The Secret holding the credentials")
@AdditionalPrinterColumn(
    name = "Status",
    jsonPath = ".status.lastConditionState",
    type = Type.STRING,
    getDescription = "Ready, Failed, or the reason it is not ready")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ServiceBinding extends CustomResource<ServiceBindingSpec, ServiceBindingStatus>
    implements Namespaced {}
