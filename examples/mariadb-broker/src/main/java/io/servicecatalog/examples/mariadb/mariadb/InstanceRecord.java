package io.servicecatalog.examples.mariadb.mariadb;

/**
 * What the broker remembers about a service instance.
 *
 * @param parametersHash SHA-256 of the canonical provision parameters, to tell a retried request
 *                       from a conflicting one without keeping user input around
 * @param readyAtMillis  for async provisions: when the database is due to be created
 */
public record InstanceRecord(
        String instanceId,
        String serviceId,
        String planId,
        String databaseName,
        String charset,
        InstanceState state,
        String operation,
        String description,
        String parametersHash,
        long readyAtMillis) {
}
