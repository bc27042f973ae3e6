package io.servicecatalog.gateway.osb;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;

/** OSB routes with ids percent-encoded (RFC 3986: everything but unreserved characters). */
public final class OsbPaths {
  private OsbPaths() {}

  public static final String CATALOG = "/v2/catalog";

  public static String instance(String instanceId) {
    return "/v2/service_instances/" + encode(instanceId);
  }

  public static String instanceLastOperation(String instanceId) {
    return instance(instanceId) + "/last_operation";
  }

  public static String binding(String instanceId, String bindingId) {
    return instance(instanceId) + "/service_bindings/" + encode(bindingId);
  }

  public static String bindingLastOperation(String instanceId, String bindingId) {
    return binding(instanceId, bindingId) + "/last_operation";
  }

  /** Percent-encodes every character outside ALPHA / DIGIT / "-" / "." / "_" / "~". */
  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }

  /** {@code ?a=b&c=d} from the non-null entries, in iteration order; empty when none. */
  public static String query(Map<String, String> params) {
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    params.forEach(
        (k, v) -> {
          if (v != null) {
            q.add(encode(k) + "=" + encode(v));
          }
        });
    return q.toString();
  }
}
