package io.servicecatalog.api.auth;

import io.servicecatalog.api.rest.ApiException;
import io.servicecatalog.api.rest.RefusedWriteAudit;
import io.servicecatalog.model.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Every request but the probes, metrics, /q/openapi and the Marketplace's static files is
 * authenticated and authorized here, before the REST resources, the watch stream, the Tables and
 * the kubectl OpenAPI routes see it. The caller is then on the routing context for
 * {@code spec.userInfo} and the audit trail ({@link #caller}).
 *
 * <p>X-Remote-* identity headers (kube-apiserver's request-header names) are honoured only from
 * members of the proxy groups (k8s-syncer forwards the kubectl user its admission webhook saw);
 * from anyone else they are refused with 403, so a client cannot believe it acted as someone else.
 */
@ApplicationScoped
public class AuthRoute {
  private static final Logger LOG = Logger.getLogger(AuthRoute.class);
  public static final String CALLER = "servicecatalog.caller";

  @Inject Authenticator authenticator;
  @Inject Authorizer authorizer;
  @Inject AuthConfig config;
  @Inject RefusedWriteAudit audit;

  void routes(@Observes Router router) {
    // after the body limit (-200), before the watch and OpenAPI routes (-100) and the REST resources
    router.route().order(-150).handler(this::check);
  }

  /** The verified (or trusted-proxy forwarded) caller of this request; null on public paths. */
  public static Caller caller(RoutingContext ctx) {
    return ctx == null ? null : ctx.get(CALLER);
  }

  static boolean isPublic(String path) {
    return path.equals("/q") || path.startsWith("/q/") || path.equals("/") || path.equals("/index.html")
        || path.equals("/favicon.ico") || path.equals("/marketplace") || path.startsWith("/marketplace/");
  }

  private void check(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (isPublic(path)) {
      ctx.next();
      return;
    }
    // An OIDC token is verified asynchronously: hold the body back until the request goes on, and
    // continue on the request's own context.
    if (!ctx.request().isEnded()) {
      ctx.request().pause();
    }
    io.vertx.core.Context requestContext = io.vertx.core.Vertx.currentContext();
    authenticator.authenticate(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
        .subscribe().with(
            caller -> onRequestContext(requestContext, () -> authorize(ctx, path, caller)),
            failure -> onRequestContext(requestContext, () -> {
              if (failure instanceof Authenticator.Unauthenticated u) {
                refuse(ctx, path, null, 401, "Unauthorized", "Unauthorized: " + u.getMessage());
              } else {
                LOG.warnf("authentication failed unexpectedly: %s", failure.getClass().getName());
                refuse(ctx, path, null, 401, "Unauthorized", "Unauthorized");
              }
            }));
  }

  private static void onRequestContext(io.vertx.core.Context requestContext, Runnable action) {
    if (requestContext == null || io.vertx.core.Vertx.currentContext() == requestContext) {
      action.run();
    } else {
      requestContext.runOnContext(v -> action.run());
    }
  }

  private void authorize(RoutingContext ctx, String path, Caller authenticated) {
    Caller caller = authenticated;
    if (hasIdentityHeaders(ctx)) {
      if (!authenticated.inAny(config.proxyGroups())) {
        refuse(ctx, path, authenticated, 403, "Forbidden", "User \"" + authenticated.username()
            + "\" may not act on behalf of others: X-Remote-* identity headers are accepted only from "
            + String.join(", ", config.proxyGroups()));
        return;
      }
      caller = forwarded(ctx, authenticated);
    }
    String watch = ctx.request().getParam("watch");
    String reason = authorizer.refusal(caller, ctx.request().method().name(), path,
        "true".equals(watch) || "1".equals(watch));
    if (reason != null) {
      refuse(ctx, path, caller, 403, "Forbidden", forbiddenMessage(path, reason));
      return;
    }
    ctx.put(CALLER, caller);
    ctx.request().resume();
    ctx.next();
  }

  private static String forbiddenMessage(String path, String reason) {
    Authorizer.Request r = path.startsWith(Authorizer.PREFIX)
        ? Authorizer.parse("GET", path.substring(Authorizer.PREFIX.length()), false) : null;
    String subject = r == null ? "the request" : r.resource() + "." + io.servicecatalog.model.ServiceCatalog.GROUP
        + (r.name() == null ? "" : " \"" + r.name() + "\"");
    return subject + " is forbidden: " + reason;
  }

  private static boolean hasIdentityHeaders(RoutingContext ctx) {
    for (String name : ctx.request().headers().names()) {
      if (name.regionMatches(true, 0, "X-Remote-", 0, "X-Remote-".length())) {
        return true;
      }
    }
    return false;
  }

  /** The identity a trusted proxy forwarded, in kube-apiserver's request-header form. */
  private static Caller forwarded(RoutingContext ctx, Caller proxy) {
    var headers = ctx.request().headers();
    String user = headers.get("X-Remote-User");
    if (user == null || user.isBlank()) {
      return proxy; // group or extra headers without a user say nothing about who it is
    }
    List<String> groups = new ArrayList<>();
    for (String g : headers.getAll("X-Remote-Group")) {
      for (String part : g.split(",")) {
        if (!part.isBlank()) {
          groups.add(part.strip());
        }
      }
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (String name : headers.names()) {
      if (name.regionMatches(true, 0, "X-Remote-Extra-", 0, "X-Remote-Extra-".length())) {
        String key = URLDecoder.decode(name.substring("X-Remote-Extra-".length()), StandardCharsets.UTF_8)
            .toLowerCase();
        extra.put(key, List.copyOf(headers.getAll(name)));
      }
    }
    return new Caller(user, headers.get("X-Remote-Uid"), groups, extra, proxy);
  }

  private void refuse(RoutingContext ctx, String path, Caller caller, int code, String reason, String message) {
    ctx.request().resume();
    audit.refused(ctx.request().method().name(), path, caller == null ? null : caller.userInfo(), code, reason);
    var status = ApiException.of(code, reason, message, null, null, List.of()).status();
    status.setApiVersion("v1");
    status.setKind("Status");
    try {
      var resp = ctx.response().setStatusCode(code).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      if (code == 401) {
        resp.putHeader("WWW-Authenticate", "Bearer realm=\"catalog-api\"");
      }
      resp.end(Json.MAPPER.writeValueAsString(status));
    } catch (Exception e) {
      ctx.fail(code);
    }
  }
}
