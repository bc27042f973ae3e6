package io.servicecatalog.examples.mariadb.mariadb;

/** What the broker remembers about a binding. Never the password: it is only ever returned once. */
public record BindingRecord(
        String bindingId,
        String instanceId,
        String serviceId,
        String planId,
        String username) {
}
