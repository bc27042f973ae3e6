package io.servicecatalog.examples.mariadb.mariadb;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready means MariaDB answers: without it the broker can serve its catalog and nothing else. */
@Readiness
@ApplicationScoped
public class MariaDbHealthCheck implements HealthCheck {

    private final MariaDb mariaDb;

    MariaDbHealthCheck(MariaDb mariaDb) {
        this.mariaDb = mariaDb;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            mariaDb.ping();
            return HealthCheckResponse.up("mariadb");
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("mariadb").down()
                    .withData("error", String.valueOf(e.getMessage()))
                    .build();
        }
    }
}
