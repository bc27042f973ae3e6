package io.servicecatalog.examples.mariadb.mariadb;

/** MariaDB answered, but with an error the broker did not expect. */
public class MariaDbException extends RuntimeException {

    public MariaDbException(String message, Throwable cause) {
        super(message, cause);
    }
}
