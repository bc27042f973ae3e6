package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** An OSB service offering as a catalog object; shared by ClusterServiceClass and ServiceClass. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceClassSpec {
  /** Owner of a ClusterServiceClass. */
  public String clusterServiceBrokerName;
  /** Owner of a (namespaced) ServiceClass: a ServiceBroker in the same namespace. */
  public String serviceBrokerName;
  public String externalName;
  public String externalID;
  public String description;
  public Boolean bindable;
  public Boolean bindingRetrievable;
  public Boolean instancesRetrievable;
  public Boolean planUpdatable;
  public JsonNode externalMetadata;
  public List<String> tags;
  public List<String> requires;
  public JsonNode defaultProvisionParameters;
}
