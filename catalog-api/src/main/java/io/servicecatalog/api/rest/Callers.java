package io.servicecatalog.api.rest;

import io.servicecatalog.api.auth.AuthRoute;
import io.servicecatalog.api.auth.Caller;
import io.servicecatalog.model.v1beta1.UserInfo;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Who is calling: the identity {@link AuthRoute} verified (a token, or the user a trusted proxy
 * forwarded), never what a request body or an untrusted header claims.
 */
public final class Callers {
  private Callers() {}

  public static UserInfo of(RoutingContext ctx) {
    Caller caller = AuthRoute.caller(ctx);
    return caller == null ? anonymous() : caller.userInfo();
  }

  public static UserInfo anonymous() {
    UserInfo u = new UserInfo();
    u.username = "system:anonymous";
    u.groups = List.of("system:unauthenticated");
    return u;
  }
}
