package io.servicecatalog.gateway.osb;

/**
 * Where and how to reach one broker. {@code authorization} is the ready Authorization header
 * value (Basic or Bearer), read from the broker's Secret just before use; it is never logged.
 */
public record BrokerEndpoint(
    String name, String url, boolean insecureSkipTlsVerify, String caBundle, String authorization) {

  @Override
  public String toString() {
    return "BrokerEndpoint[name=" + name + ", url=" + url + "]";
  }
}
