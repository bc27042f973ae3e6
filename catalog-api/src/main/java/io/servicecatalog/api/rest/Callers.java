package io.servicecatalog.api.rest;

import io.servicecatalog.model.v1beta1.UserInfo;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is calling. Until catalog-api verifies tokens itself, it trusts the identity an
 * authenticating front (k8s-syncer's admission webhook, an authenticating proxy) puts in the
 * request-header style of kube-apiserver: X-Remote-User, X-Remote-Uid, X-Remote-Group,
 * X-Remote-Extra-&lt;key&gt;. Without them the caller is anonymous.
 */
public final class Callers {
  private Callers() {}

  public static UserInfo of(HttpHeaders headers) {
    UserInfo u = new UserInfo();
    String user = headers.getHeaderString("X-Remote-User");
    if (user == null || user.isBlank()) {
      u.username = "system:anonymous";
      u.groups = List.of("system:unauthenticated");
      return u;
    }
    u.username = user;
    u.uid = headers.getHeaderString("X-Remote-Uid");
    List<String> groups = new ArrayList<>();
    List<String> raw = headers.getRequestHeader("X-Remote-Group");
    if (raw != null) {
      raw.forEach(g -> {
        for (String part : g.split(",")) {
          if (!part.isBlank()) {
            groups.add(part.trim());
          }
        }
      });
    }
    u.groups = groups.isEmpty() ? null : groups;
    Map<String, List<String>> extra = new LinkedHashMap<>();
    headers.getRequestHeaders().forEach((k, v) -> {
      if (k.toLowerCase().startsWith("x-remote-extra-")) {
        extra.put(k.substring("x-remote-extra-".length()).toLowerCase(), List.copyOf(v));
      }
    });
    u.extra = extra.isEmpty() ? null : extra;
    return u;
  }
}
