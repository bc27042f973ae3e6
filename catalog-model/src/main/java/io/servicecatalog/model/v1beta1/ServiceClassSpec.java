package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** An OSB service offering as a catalog object; shared by ClusterServiceClass and ServiceClass. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("The OSB service offering as the broker's catalog describes it.")
public class ServiceClassSpec {
  /** Owner of a ClusterServiceClass. */
  @JsonPropertyDescription("The ClusterServiceBroker offering this ClusterServiceClass.")
  public String clusterServiceBrokerName;
  /** Owner of a (namespaced) ServiceClass: a ServiceBroker in the same namespace. */
  @JsonPropertyDescription("The ServiceBroker (same namespace) offering this ServiceClass.")
  public String serviceBrokerName;
  @JsonPropertyDescription("The offering's name in the broker's catalog.")
  public String externalName;
  @JsonPropertyDescription("The offering's id in the broker's catalog (OSB service_id); immutable.")
  public String externalID;
  @JsonPropertyDescription("Short description from the broker.")
  public String description;
  @JsonPropertyDescription("Whether instances of this class can be bound; a plan may override it.")
  public Boolean bindable;
  @JsonPropertyDescription("Whether the broker can return a binding again (GET of a binding).")
  public Boolean bindingRetrievable;
  @JsonPropertyDescription("Whether the broker can return an instance (GET of an instance).")
  public Boolean instancesRetrievable;
  @JsonPropertyDescription("Whether an instance may change to another plan of this class.")
  public Boolean planUpdatable;
  @JsonPropertyDescription("The offering's metadata from the broker, as given.")
  public JsonNode externalMetadata;
  @JsonPropertyDescription("Tags from the broker.")
  public List<String> tags;
  @JsonPropertyDescription(
      "Permissions the offering requires (syslog_drain, route_forwarding, volume_mount).")
  public List<String> requires;
  @JsonPropertyDescription("Parameters applied to new instances that do not set them.")
  public JsonNode defaultProvisionParameters;
}
