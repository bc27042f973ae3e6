package io.servicecatalog.examples.mariadb.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method as an OSB endpoint: it then requires basic auth and the API version
 * header, and is counted in {@code mariadb_broker_requests_total} under this operation name.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OsbOperation {

    String value();
}
