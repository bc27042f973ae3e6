package io.servicecatalog.api.store;

import io.servicecatalog.model.v1beta1.UserInfo;
import io.smallrye.common.vertx.ContextLocals;
import java.util.List;

/**
 * Who is making the current write, and what they asked for, carried on the request's Vert.x
 * context so the store can put it into the audit trail without every method passing it along.
 */
public record Actor(UserInfo user, String verb) {
  private static final String KEY = "servicecatalog.actor";

  /** Changes the catalog makes itself (results from the workers, housekeeping). */
  public static Actor system(String component, String verb) {
    UserInfo u = new UserInfo();
    u.username = "system:servicecatalog:" + component;
    u.groups = List.of("system:servicecatalog");
    return new Actor(u, verb);
  }

  public static void set(Actor actor) {
    try {
      ContextLocals.put(KEY, actor);
    } catch (UnsupportedOperationException | IllegalStateException e) {
      // not on a duplicated context (e.g. a unit test): audit records "unknown"
    }
  }

  public static Actor current() {
    try {
      return ContextLocals.<Actor>get(KEY).orElse(system("unknown", "unknown"));
    } catch (UnsupportedOperationException | IllegalStateException e) {
      return system("unknown", "unknown");
    }
  }
}
