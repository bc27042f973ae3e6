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

/**
 * A broker endpoint whose catalog becomes ClusterServiceClasses and ClusterServicePlans.
 *
 * <p>The annotations on the eight kind classes generate the CRDs in {@code k8s/crds/} (Fabric8
 * crd-generator, see catalog-model's pom): names, short names, the {@code servicecatalog} category,
 * printer columns like the original's, and the {@code api-approved.kubernetes.io} annotation that
 * kube-apiserver requires for a group under {@code *.k8s.io}. Its value starts with "unapproved":
 * the group is kept for compatibility with the original's YAML, but this schema has not been
 * through Kubernetes API review, and a URL would claim an approval that does not exist.
 */
@Group(ServiceCatalog.GROUP)
@Version(ServiceCatalog.VERSION)
@Kind("ClusterServiceBroker")
@Plural("clusterservicebrokers")
@Singular("clusterservicebroker")
@ShortNames({"csb"})
@Categories(ClusterServiceBroker.CATEGORY)
@Annotations(ClusterServiceBroker.API_APPROVAL)
@JsonClassDescription(
    "An Open Service Broker API endpoint registered for the whole cluster; its catalog becomes "
        + "ClusterServiceClasses and ClusterServicePlans.")
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
public class ClusterServiceBroker extends CustomResource<ServiceBrokerSpec, ServiceBrokerStatus> {
  /** The category every kind is in: {@code kubectl get servicecatalog} lists them all. */
  public static final String CATEGORY = "servicecatalog";

  /** {@code api-approved.kubernetes.io} on every CRD (key=value, as {@code @Annotations} wants). */
  public static final String API_APPROVAL =
      "api-approved.kubernetes.io=unapproved, experimental-only";
}
