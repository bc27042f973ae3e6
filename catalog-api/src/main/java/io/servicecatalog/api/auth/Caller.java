package io.servicecatalog.api.auth;

import io.servicecatalog.model.v1beta1.UserInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A verified identity: from a token catalog-api checked itself, or forwarded by a trusted proxy
 * ({@code forwardedBy} then names the proxy, whose rights the request is authorized with).
 */
public record Caller(String username, String uid, List<String> groups, Map<String, List<String>> extra,
    Caller forwardedBy) {
  public static final String AUTHENTICATED = "system:authenticated";

  public Caller {
    groups = groups == null ? List.of() : List.copyOf(groups);
    extra = extra == null || extra.isEmpty() ? null : Map.copyOf(extra);
  }

  /** A caller catalog-api verified itself; like Kubernetes, every one is in system:authenticated. */
  public static Caller of(String username, String uid, List<String> groups) {
    List<String> all = new ArrayList<>(groups == null ? List.of() : groups);
    if (!all.contains(AUTHENTICATED)) {
      all.add(AUTHENTICATED);
    }
    return new Caller(username, uid, all, null, null);
  }

  /** Whose rights the request is checked against: the proxy's when forwarded. */
  public Caller authorizedAs() {
    return forwardedBy == null ? this : forwardedBy;
  }

  public boolean inAny(List<String> wanted) {
    for (String g : wanted) {
      if (groups.contains(g)) {
        return true;
      }
    }
    return false;
  }

  /** As {@code spec.userInfo} and the audit trail record it. */
  public UserInfo userInfo() {
    UserInfo u = new UserInfo();
    u.username = username;
    u.uid = uid == null || uid.isEmpty() ? null : uid;
    u.groups = groups.isEmpty() ? null : groups;
    u.extra = extra;
    return u;
  }
}
