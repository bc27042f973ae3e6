package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Spec shared by ClusterServiceBroker and the namespaced ServiceBroker. A ServiceBroker's auth
 * Secret lives in the broker's own namespace ({@code secretRef.namespace} empty or equal to it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceBrokerSpec {
  public static final String RELIST_DURATION = "Duration";
  public static final String RELIST_MANUAL = "Manual";

  public String url;
  public Boolean insecureSkipTLSVerify;
  public String caBundle;
  public String relistBehavior;
  public String relistDuration;
  public Long relistRequests;
  public CatalogRestrictions catalogRestrictions;
  public ServiceBrokerAuthInfo authInfo;
}
