package io.servicecatalog.syncer.catalogapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes user who made a change, as catalog-api takes it: the authenticating-proxy headers
 * kube-apiserver itself understands ({@code X-Remote-User}, {@code X-Remote-Uid}, {@code
 * X-Remote-Group} repeated, {@code X-Remote-Extra-<key>} repeated, the key percent-encoded), built
 * from a {@code spec.userInfo} stamped by the admission webhook.
 */
public final class Identity {
  private Identity() {}

  public static final String USER = "X-Remote-User";
  public static final String UID = "X-Remote-Uid";
  public static final String GROUP = "X-Remote-Group";
  public static final String EXTRA_PREFIX = "X-Remote-Extra-";

  /** Header name/value pairs (a name may repeat); empty when there is no user. */
  public static List<Map.Entry<String, String>> headers(JsonNode userInfo) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    if (userInfo == null || !userInfo.isObject() || !text(userInfo.get("username"))) {
      return out;
    }
    out.add(Map.entry(USER, safe(userInfo.get("username").asText())));
    if (text(userInfo.get("uid"))) {
      out.add(Map.entry(UID, safe(userInfo.get("uid").asText())));
    }
    for (JsonNode g : userInfo.path("groups")) {
      out.add(Map.entry(GROUP, safe(g.asText())));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = userInfo.path("extra").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = EXTRA_PREFIX + URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8);
      for (JsonNode v : e.getValue()) {
        out.add(Map.entry(name, safe(v.asText())));
      }
    }
    return out;
  }

  /** Header values are visible ASCII; anything else is percent-encoded (UTF-8) rather than lost. */
  static String safe(String value) {
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch < 0x20 || ch > 0x7e) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
      }
    }
    return value;
  }

  private static boolean text(JsonNode n) {
    return n != null && n.isTextual() && !n.asText().isEmpty();
  }
}
