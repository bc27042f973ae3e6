package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Spec shared by ClusterServiceBroker and the namespaced ServiceBroker. A ServiceBroker's auth
 * Secret lives in the broker's own namespace ({@code secretRef.namespace} empty or equal to it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription(
    "Where the broker is, how to authenticate to it and when to fetch its catalog.")
public class ServiceBrokerSpec {
  public static final String RELIST_DURATION = "Duration";
  public static final String RELIST_MANUAL = "Manual";

  @JsonPropertyDescription(
      "The broker's base URL (http or https); the OSB API paths are appended to it.")
  public String url;
  @JsonPropertyDescription(
      "Skip verification of the broker's TLS certificate; cannot be combined with caBundle.")
  public Boolean insecureSkipTLSVerify;
  @JsonPropertyDescription("PEM-encoded CA certificates that verify the broker's TLS certificate.")
  public String caBundle;
  @JsonPropertyDescription(
      "How the catalog is fetched again: Duration (every relistDuration, the default) or Manual "
      + "(only when relistRequests is increased).")
  public String relistBehavior;
  @JsonPropertyDescription(
      "Interval between catalog fetches when relistBehavior is Duration, e.g. 15m or 1h30m.")
  public String relistDuration;
  @JsonPropertyDescription("Counter; increasing it fetches the catalog now.")
  public Long relistRequests;
  @JsonPropertyDescription(
      "Predicates that filter which classes and plans of the broker's catalog are exposed.")
  public CatalogRestrictions catalogRestrictions;
  @JsonPropertyDescription(
      "How the platform authenticates to the broker: exactly one of basic or bearer.")
  public ServiceBrokerAuthInfo authInfo;
}
