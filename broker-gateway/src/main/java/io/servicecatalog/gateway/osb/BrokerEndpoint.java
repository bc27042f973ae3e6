package io.servicecatalog.gateway.osb;

import java.time.Duration;

/**
 * Where and how to reach one broker. {@code key} identifies the broker object ({@code
 * ClusterServiceBroker/name} or {@code ServiceBroker/namespace/name}): the negotiated API version
 * and the concurrency limit are kept per key. {@code authorization} is the ready Authorization
 * header value (Basic or Bearer), read from the broker's Secret; it is never logged. {@code
 * requestTimeout} null means the configured default.
 */
public record BrokerEndpoint(
    String key,
    String name,
    String url,
    boolean insecureSkipTlsVerify,
    String caBundle,
    String authorization,
    Duration requestTimeout) {

  @Override
  public String toString() {
    return "BrokerEndpoint[" + key + ", url=" + url + "]";
  }
}
