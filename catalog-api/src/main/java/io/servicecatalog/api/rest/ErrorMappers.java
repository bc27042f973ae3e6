package io.servicecatalog.api.rest;

import io.fabric8.kubernetes.api.model.Status;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error leaves as a Kubernetes Status object: clients (kubectl, the syncer, scripts) parse
 * one shape, and no stack trace ever reaches a caller.
 */
public class ErrorMappers {
  private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

  @ServerExceptionMapper
  public Response api(ApiException e) {
    return respond(e.status());
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int code = e.getResponse() == null ? 500 : e.getResponse().getStatus();
    if (e instanceof NotFoundException) {
      return respond(ApiException.of(404, "NotFound", "the server could not find the requested resource",
          null, null, List.of()).status());
    }
    if (e instanceof NotAllowedException) {
      return respond(ApiException.of(405, "MethodNotAllowed", "the server does not allow this method on the requested resource",
          null, null, List.of()).status());
    }
    if (e instanceof NotSupportedException) {
      return respond(ApiException.unsupportedMediaType(
          "the body of the request was in an unsupported format; use application/json or application/yaml").status());
    }
    if (code >= 500) {
      LOG.error("request failed", e);
      return respond(internal().status());
    }
    return respond(ApiException.of(code, code == 400 ? "BadRequest" : "Invalid",
        e.getMessage() == null ? "bad request" : e.getMessage(), null, null, List.of()).status());
  }

  @ServerExceptionMapper
  public Response unexpected(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof ApiException) {
        break;
      }
      root = root.getCause();
    }
    if (root instanceof ApiException api) {
      return respond(api.status());
    }
    if (root instanceof IllegalArgumentException iae && iae.getMessage() != null
        && iae.getMessage().startsWith("Failed to parse media type")) {
      return respond(ApiException.badRequest(iae.getMessage()).status());
    }
    String sqlState = sqlState(e);
    if (sqlState != null && sqlState.startsWith("22")) {
      // SQL class 22, "data exception": a value PostgreSQL cannot hold (a NUL character, say)
      // came from the request; the caller's problem, and nothing was stored.
      LOG.debugf("refused a value the database cannot store (SQLSTATE %s)", sqlState);
      return respond(ApiException.badRequest(
          "the request contains a value that cannot be stored (for example a NUL character)").status());
    }
    if (databaseUnavailable(e, sqlState)) {
      // PostgreSQL restarting or unreachable: nothing was changed, and the same request will work
      // once the pool has fresh connections. 503 + Retry-After lets clients (client-go too) retry.
      LOG.warnf("database unavailable, answering 503: %s", rootMessage(e));
      Response r = respond(ApiException.of(503, "ServiceUnavailable",
          "the catalog's database is unavailable; retry shortly", null, null, List.of()).status());
      return Response.fromResponse(r).header("Retry-After", "1").build();
    }
    LOG.error("request failed", e);
    return respond(internal().status());
  }

  /** Connection-level failures (closed, refused, server shutting down), not errors in the request. */
  public static boolean databaseUnavailable(Throwable e, String sqlState) {
    if (sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02")
        || sqlState.equals("57P03"))) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.vertx.sqlclient.ClosedConnectionException || t instanceof java.net.SocketException
          || t instanceof java.nio.channels.ClosedChannelException) {
        return true; // (ConnectException, "Connection reset" are SocketExceptions)
      }
      // Vert.x says "this pooled connection died" only in words, in an exception without a type of its own
      if (t instanceof io.vertx.core.impl.NoStackTraceThrowable && t.getMessage() != null
          && t.getMessage().startsWith("Connection is not active")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  private static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
      if (t instanceof org.hibernate.JDBCException j && j.getSQLState() != null) {
        return j.getSQLState();
      }
      if (t instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null) {
        return pg.getSqlState();
      }
    }
    return null;
  }

  private static ApiException internal() {
    return ApiException.of(500, "InternalError",
        "an internal error occurred while processing the request", null, null, List.of());
  }

  static Response respond(Status status) {
    status.setApiVersion("v1");
    status.setKind("Status");
    return Response.status(status.getCode()).type(MediaType.APPLICATION_JSON).entity(status).build();
  }
}
