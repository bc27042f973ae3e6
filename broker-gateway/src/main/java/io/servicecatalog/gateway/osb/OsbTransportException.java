package io.servicecatalog.gateway.osb;

/**
 * No HTTP answer from the broker. {@code timeout} means the request was (possibly) received but
 * not answered in time, which is what calls for orphan mitigation after a provision or bind; a
 * connect failure or connect timeout means the broker never saw the request.
 */
public class OsbTransportException extends RuntimeException {
  private final boolean timeout;
  private final String requestIdentity;

  public OsbTransportException(String message, boolean timeout, String requestIdentity, Throwable cause) {
    super(message, cause);
    this.timeout = timeout;
    this.requestIdentity = requestIdentity;
  }

  public boolean timeout() {
    return timeout;
  }

  public String requestIdentity() {
    return requestIdentity;
  }
}
