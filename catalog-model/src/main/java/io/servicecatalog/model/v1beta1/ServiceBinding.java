package io.servicecatalog.model.v1beta1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.ServiceCatalog;

/** Credentials for an instance, delivered as a Secret in the binding's namespace. */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Plural("servicebindings")
public class ServiceBinding extends CustomResource<ServiceBindingSpec, ServiceBindingStatus>
    implements Namespaced {}
