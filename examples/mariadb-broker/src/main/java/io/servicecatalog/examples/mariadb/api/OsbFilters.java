package io.servicecatalog.examples.mariadb.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servicecatalog.examples.mariadb.broker.BrokerConfig;
import io.servicecatalog.examples.mariadb.osb.ErrorResponse;

/**
 * What every OSB call goes through: basic auth, the API version check, request-identity logging
 * and echoing, and the per-operation request counter.
 */
public class OsbFilters {

    private static final Logger LOG = Logger.getLogger("io.servicecatalog.examples.mariadb.requests");

    static final String VERSION_HEADER = "X-Broker-API-Version";
    static final String REQUEST_IDENTITY_HEADER = "X-Broker-API-Request-Identity";
    static final String REQUEST_METRIC = "mariadb.broker.requests";

    private static final Pattern VERSION = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})");
    private static final int MIN_MINOR_VERSION = 13;
    private static final String OPERATION = OsbFilters.class.getName() + ".operation";
    private static final String REJECTED = OsbFilters.class.getName() + ".rejected";

    private final BrokerConfig config;
    private final MeterRegistry registry;

    OsbFilters(BrokerConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Optional<Response> checkRequest(ContainerRequestContext request, ResourceInfo resource) {
        OsbOperation operation = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(OsbOperation.class);
        if (operation == null) {
            return Optional.empty();
        }
        request.setProperty(OPERATION, operation.value());

        if (!authenticated(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            return reject(request, Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"mariadb-broker\""),
                    "Unauthorized", "Valid HTTP basic authentication credentials are required.");
        }
        String version = request.getHeaderString(VERSION_HEADER);
        if (!supported(version)) {
            return reject(request, Response.status(Response.Status.PRECONDITION_FAILED), "PreconditionFailed",
                    "This broker implements Open Service Broker API 2.17 and needs header " + VERSION_HEADER
                            + " of 2." + MIN_MINOR_VERSION + " or later"
                            + (version == null ? "; the header is missing." : ", got '" + version + "'."));
        }
        return Optional.empty();
    }

    @ServerResponseFilter
    public void afterResponse(ContainerRequestContext request, ContainerResponseContext response) {
        Object operation = request.getProperty(OPERATION);
        if (operation == null) {
            return;
        }
        String identity = request.getHeaderString(REQUEST_IDENTITY_HEADER);
        if (identity != null) {
            response.getHeaders().putSingle(REQUEST_IDENTITY_HEADER, identity);
        }
        int status = response.getStatus();
        // Only calls that reached the handler: the platform's tests count what the broker acted on.
        if (request.getProperty(REJECTED) == null) {
            Counter.builder(REQUEST_METRIC)
                    .description("OSB requests handled by the broker, by operation and HTTP status")
                    .tag("operation", operation.toString())
                    .tag("status", String.valueOf(status))
                    .register(registry)
                    .increment();
        }
        LOG.infof("%s %s -> %d (operation=%s, request-identity=%s)", request.getMethod(),
                request.getUriInfo().getPath(), status, operation, identity == null ? "-" : identity);
    }

    private boolean authenticated(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        // Compare both parts, always, in constant time: no timing hint about which one was wrong.
        boolean userMatches = constantTimeEquals(decoded.substring(0, colon), config.username());
        boolean passwordMatches = constantTimeEquals(decoded.substring(colon + 1), config.password());
        return userMatches & passwordMatches;
    }

    private static boolean supported(String version) {
        if (version == null) {
            return false;
        }
        Matcher matcher = VERSION.matcher(version.trim());
        return matcher.matches() && Integer.parseInt(matcher.group(1)) == 2
                && Integer.parseInt(matcher.group(2)) >= MIN_MINOR_VERSION;
    }

    private static boolean constantTimeEquals(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<Response> reject(ContainerRequestContext request, Response.ResponseBuilder builder,
            String error, String description) {
        request.setProperty(REJECTED, Boolean.TRUE);
        return Optional.of(builder.type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorResponse(error, description))
                .build());
    }
}
