package io.servicecatalog.examples.mariadb.mariadb;

/** MariaDB could not be reached at all; the request may well succeed when retried later. */
public class MariaDbUnavailableException extends RuntimeException {

    public MariaDbUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
