package io.servicecatalog.examples.mariadb.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.servicecatalog.examples.mariadb.broker.BrokerException;
import io.servicecatalog.examples.mariadb.mariadb.MariaDbException;
import io.servicecatalog.examples.mariadb.mariadb.MariaDbUnavailableException;
import io.servicecatalog.examples.mariadb.osb.ErrorResponse;

/** The one place where failures become OSB error responses. Platforms never see a stack trace. */
public class OsbExceptionMappers {

    private static final Logger LOG = Logger.getLogger(OsbExceptionMappers.class);

    @ServerExceptionMapper
    public Response refused(BrokerException e) {
        return error(e.status(), e.error(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unreachable(MariaDbUnavailableException e) {
        LOG.warn(e.getMessage());
        return error(503, "ServiceUnavailable", e.getMessage() + " Try again later.");
    }

    @ServerExceptionMapper
    public Response mariaDbFailed(MariaDbException e) {
        LOG.error(e.getMessage(), e);
        return error(500, "MariaDbError", e.getMessage());
    }

    @ServerExceptionMapper
    public Response unreadableBody(JsonProcessingException e) {
        return badBody(e);
    }

    /** Declared separately because Quarkus ships its own mapper for exactly this type. */
    @ServerExceptionMapper
    public Response unexpectedBodyShape(MismatchedInputException e) {
        return badBody(e);
    }

    @ServerExceptionMapper
    public Response framework(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return badBody(json); // malformed JSON arrives wrapped
        }
        Response original = e.getResponse();
        int status = original == null ? 500 : original.getStatus();
        if (status >= 500) {
            LOG.error("Request failed", e);
        }
        String reason = original == null ? "InternalError"
                : original.getStatusInfo().getReasonPhrase().replace(" ", "");
        return error(status, reason, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("Unexpected failure", e);
        return error(500, "InternalError", "The broker failed unexpectedly; see its log for details.");
    }

    private static Response badBody(JsonProcessingException e) {
        return error(400, "BadRequest", "The request body is not valid JSON for this request: "
                + e.getOriginalMessage());
    }

    private static Response error(int status, String error, String description) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorResponse(error, description))
                .build();
    }
}
