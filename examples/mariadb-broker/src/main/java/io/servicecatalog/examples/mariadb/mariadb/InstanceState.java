package io.servicecatalog.examples.mariadb.mariadb;

/** Where a service instance's provisioning stands, as stored in the broker's metadata table. */
public enum InstanceState {
    IN_PROGRESS,
    SUCCEEDED,
    FAILED
}
