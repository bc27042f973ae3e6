package io.servicecatalog.examples.mariadb.osb;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The OSB error body: a camel-case {@code error} code and a user-facing {@code description}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorResponse(String error, String description) {
}
