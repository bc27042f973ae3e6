package io.servicecatalog.examples.mariadb.broker;

/**
 * A request the broker refuses, carrying the HTTP status and the OSB error body to answer with.
 * Thrown anywhere below the REST layer and turned into a response in one place (OsbExceptionMappers).
 */
public class BrokerException extends RuntimeException {

    private final int status;
    private final String error;

    public BrokerException(int status, String error, String description) {
        super(description);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public static BrokerException badRequest(String description) {
        return new BrokerException(400, "BadRequest", description);
    }

    public static BrokerException notFound(String description) {
        return new BrokerException(404, "NotFound", description);
    }

    public static BrokerException conflict(String description) {
        return new BrokerException(409, "Conflict", description);
    }

    /** The spec's code for "this plan needs {@code accepts_incomplete=true}". */
    public static BrokerException asyncRequired(String description) {
        return new BrokerException(422, "AsyncRequired", description);
    }

    /** The spec's code for "another operation on this resource is still running". */
    public static BrokerException concurrency(String description) {
        return new BrokerException(422, "ConcurrencyError", description);
    }
}
