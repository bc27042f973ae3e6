package io.servicecatalog.examples.mariadb.osb;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Body of a successful bind: the credentials plus the endpoint an application connects to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BindResponse(Credentials credentials, List<Endpoint> endpoints) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Credentials(
            String host,
            int port,
            String database,
            String username,
            String password,
            String uri,
            String jdbcUrl) {

        /** Never let a password reach a log line through an accidental toString(). */
        @Override
        public String toString() {
            return "Credentials[host=" + host + ", port=" + port + ", database=" + database
                    + ", username=" + username + ", password=***]";
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Endpoint(String host, List<String> ports, String protocol) {
    }
}
