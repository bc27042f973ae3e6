package io.servicecatalog.examples.mariadb.mariadb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.servicecatalog.examples.mariadb.broker.BrokerConfig;

/**
 * The broker's own bookkeeping: which instances and bindings exist, in tables inside MariaDB
 * itself, so a restarted broker knows everything it created.
 */
@ApplicationScoped
public class BrokerStore {

    private final String instances;
    private final String bindings;
    private final String database;
    /** Created lazily on first use, because the broker must start while MariaDB is down. */
    private volatile boolean schemaReady;

    BrokerStore(BrokerConfig config) {
        this.database = Names.quote(config.metadataDatabase());
        this.instances = database + ".`service_instance`";
        this.bindings = database + ".`service_binding`";
    }

    void ensureSchema(Connection connection) throws SQLException {
        if (schemaReady) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE IF NOT EXISTS " + database + " CHARACTER SET utf8mb4");
            statement.execute("CREATE TABLE IF NOT EXISTS " + instances + " ("
                    + " instance_id VARCHAR(255) NOT NULL PRIMARY KEY,"
                    + " service_id VARCHAR(255) NOT NULL,"
                    + " plan_id VARCHAR(255) NOT NULL,"
                    + " database_name VARCHAR(64) NOT NULL UNIQUE,"
                    + " charset VARCHAR(32) NULL,"
                    + " state VARCHAR(16) NOT NULL,"
                    + " operation VARCHAR(64) NULL,"
                    + " description VARCHAR(1024) NULL,"
                    + " parameters_hash CHAR(64) NOT NULL,"
                    + " ready_at BIGINT NOT NULL,"
                    + " created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),"
                    + " updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
                    + "   ON UPDATE CURRENT_TIMESTAMP(3)"
                    + ") ENGINE=InnoDB");
            statement.execute("CREATE TABLE IF NOT EXISTS " + bindings + " ("
                    + " binding_id VARCHAR(255) NOT NULL PRIMARY KEY,"
                    + " instance_id VARCHAR(255) NOT NULL,"
                    + " service_id VARCHAR(255) NOT NULL,"
                    + " plan_id VARCHAR(255) NOT NULL,"
                    + " username VARCHAR(32) NOT NULL UNIQUE,"
                    + " created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),"
                    + " INDEX idx_binding_instance (instance_id)"
                    + ") ENGINE=InnoDB");
        }
        schemaReady = true;
    }

    public Optional<InstanceRecord> findInstance(Connection connection, String instanceId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT instance_id, service_id, plan_id, database_name, charset, state, operation,"
                        + " description, parameters_hash, ready_at FROM " + instances
                        + " WHERE instance_id = ?")) {
            statement.setString(1, instanceId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new InstanceRecord(
                        row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                        row.getString(5), InstanceState.valueOf(row.getString(6)), row.getString(7),
                        row.getString(8), row.getString(9), row.getLong(10)));
            }
        }
    }

    public void insertInstance(Connection connection, InstanceRecord instance) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + instances
                + " (instance_id, service_id, plan_id, database_name, charset, state, operation,"
                + " description, parameters_hash, ready_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            statement.setString(1, instance.instanceId());
            statement.setString(2, instance.serviceId());
            statement.setString(3, instance.planId());
            statement.setString(4, instance.databaseName());
            statement.setString(5, instance.charset());
            statement.setString(6, instance.state().name());
            statement.setString(7, instance.operation());
            statement.setString(8, instance.description());
            statement.setString(9, instance.parametersHash());
            statement.setLong(10, instance.readyAtMillis());
            statement.executeUpdate();
        }
    }

    public void updateInstanceState(Connection connection, String instanceId, InstanceState state,
            String description) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE " + instances + " SET state = ?, description = ? WHERE instance_id = ?")) {
            statement.setString(1, state.name());
            statement.setString(2, truncate(description, 1024));
            statement.setString(3, instanceId);
            statement.executeUpdate();
        }
    }

    public void deleteInstance(Connection connection, String instanceId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "DELETE FROM " + instances + " WHERE instance_id = ?")) {
            statement.setString(1, instanceId);
            statement.executeUpdate();
        }
    }

    public Optional<BindingRecord> findBinding(Connection connection, String bindingId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT binding_id, instance_id, service_id, plan_id, username FROM " + bindings
                        + " WHERE binding_id = ?")) {
            statement.setString(1, bindingId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(readBinding(row)) : Optional.empty();
            }
        }
    }

    public List<BindingRecord> bindingsOf(Connection connection, String instanceId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT binding_id, instance_id, service_id, plan_id, username FROM " + bindings
                        + " WHERE instance_id = ?")) {
            statement.setString(1, instanceId);
            try (ResultSet rows = statement.executeQuery()) {
                List<BindingRecord> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(readBinding(rows));
                }
                return result;
            }
        }
    }

    public void insertBinding(Connection connection, BindingRecord binding) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + bindings
                + " (binding_id, instance_id, service_id, plan_id, username) VALUES (?, ?, ?, ?, ?)")) {
            statement.setString(1, binding.bindingId());
            statement.setString(2, binding.instanceId());
            statement.setString(3, binding.serviceId());
            statement.setString(4, binding.planId());
            statement.setString(5, binding.username());
            statement.executeUpdate();
        }
    }

    public void deleteBinding(Connection connection, String bindingId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "DELETE FROM " + bindings + " WHERE binding_id = ?")) {
            statement.setString(1, bindingId);
            statement.executeUpdate();
        }
    }

    public void deleteBindingsOf(Connection connection, String instanceId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "DELETE FROM " + bindings + " WHERE instance_id = ?")) {
            statement.setString(1, instanceId);
            statement.executeUpdate();
        }
    }

    private static BindingRecord readBinding(ResultSet row) throws SQLException {
        return new BindingRecord(row.getString(1), row.getString(2), row.getString(3),
                row.getString(4), row.getString(5));
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
