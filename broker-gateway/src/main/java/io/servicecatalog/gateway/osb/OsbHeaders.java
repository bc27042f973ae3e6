package io.servicecatalog.gateway.osb;

/** Header names and fixed values of the OSB API, as the spec spells them. */
public final class OsbHeaders {
  private OsbHeaders() {}

  public static final String API_VERSION = "X-Broker-API-Version";
  public static final String ORIGINATING_IDENTITY = "X-Broker-API-Originating-Identity";
  public static final String REQUEST_IDENTITY = "X-Broker-API-Request-Identity";
  public static final String RETRY_AFTER = "Retry-After";
  public static final String AUTHORIZATION = "Authorization";
  public static final String CONTENT_TYPE = "Content-Type";
  public static final String ACCEPT = "Accept";

  /** The OSB API version this platform speaks. */
  public static final String VERSION = "2.17";
  /**
   * Versions tried, newest first, when a broker answers 412 Precondition Failed (it does not
   * support the version sent): the first one it accepts is remembered for that broker.
   */
  public static final java.util.List<String> FALLBACK_VERSIONS =
      java.util.List.of("2.17", "2.16", "2.15", "2.14", "2.13", "2.12", "2.11");
  /** {@code context.platform} and the originating-identity platform value. */
  public static final String PLATFORM_KUBERNETES = "kubernetes";
  public static final String APPLICATION_JSON = "application/json";

  /** Query parameters. */
  public static final String ACCEPTS_INCOMPLETE = "accepts_incomplete";
  public static final String SERVICE_ID = "service_id";
  public static final String PLAN_ID = "plan_id";
  public static final String OPERATION = "operation";

  /** The spec caps the operation token at 10,000 characters; longer is a malformed response. */
  public static final int MAX_OPERATION_LENGTH = 10_000;
}
