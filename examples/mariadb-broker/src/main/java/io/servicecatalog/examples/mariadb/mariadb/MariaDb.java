package io.servicecatalog.examples.mariadb.mariadb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.servicecatalog.examples.mariadb.broker.BrokerException;

/**
 * Runs units of work on one admin connection to MariaDB, and turns JDBC failures into the
 * broker's two failure kinds: "unreachable" (503, try later) and "MariaDB said no" (500).
 */
@ApplicationScoped
public class MariaDb {

    private static final Logger LOG = Logger.getLogger(MariaDb.class);
    private static final int LOCK_WAIT_SECONDS = 10;

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final AgroalDataSource dataSource;
    private final BrokerStore store;

    MariaDb(AgroalDataSource dataSource, BrokerStore store) {
        this.dataSource = dataSource;
        this.store = store;
    }

    /** Runs {@code work} on a connection whose broker metadata tables are known to exist. */
    public <T> T withConnection(Work<T> work) {
        try (Connection connection = connect()) {
            store.ensureSchema(connection);
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * Like {@link #withConnection} while holding a MariaDB named lock. Named locks rather than
     * JVM locks because DDL commits implicitly (so row locks would not survive it) and because
     * they also serialise a second broker replica working on the same MariaDB.
     */
    public <T> T withLock(String lockName, Work<T> work) {
        try (Connection connection = connect()) {
            store.ensureSchema(connection);
            acquire(connection, lockName);
            try {
                return work.run(connection);
            } finally {
                release(connection, lockName);
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Fails unless MariaDB answers a trivial query; used by the readiness check. */
    public void ping() {
        try (Connection connection = connect();
                PreparedStatement statement = connection.prepareStatement("SELECT 1")) {
            statement.setQueryTimeout(3);
            statement.executeQuery().close();
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private Connection connect() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new MariaDbUnavailableException("MariaDB is unreachable: " + rootMessage(e), e);
        }
    }

    private static void acquire(Connection connection, String lockName) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            statement.setString(1, lockName);
            statement.setInt(2, LOCK_WAIT_SECONDS);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                if (result.getInt(1) != 1) {
                    throw BrokerException.concurrency(
                            "Another operation on this service instance is in progress; try again later.");
                }
            }
        }
    }

    private static void release(Connection connection, String lockName) {
        try (PreparedStatement statement = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            statement.setString(1, lockName);
            statement.executeQuery().close();
        } catch (SQLException e) {
            // A broken connection drops its locks with it; nothing else to do.
            LOG.warnf("Could not release MariaDB lock %s: %s", lockName, e.getMessage());
        }
    }

    private static RuntimeException translate(SQLException e) {
        if (isConnectionFailure(e)) {
            return new MariaDbUnavailableException("MariaDB is unreachable: " + rootMessage(e), e);
        }
        return new MariaDbException("MariaDB error " + e.getErrorCode() + ": " + e.getMessage(), e);
    }

    /** True when the failure is about reaching MariaDB rather than about the statement. */
    public static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException
                || e instanceof SQLNonTransientConnectionException
                || (state != null && state.startsWith("08"));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.getMessage() : e.getMessage() + " (" + root.getMessage() + ")";
    }
}
