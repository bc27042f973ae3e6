package io.servicecatalog.examples.mariadb.mariadb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/** The actual provisioning work: databases, users and grants on the MariaDB server. */
@ApplicationScoped
public class MariaDbAdmin {

    private static final Logger LOG = Logger.getLogger(MariaDbAdmin.class);

    /**
     * Both hosts on purpose: with {@code skip_name_resolve} off, a TCP login from 127.0.0.1 is
     * matched as host "localhost", where the more specific {@code ''@'localhost'} anonymous
     * account of many installs would win over {@code user@'%'}.
     */
    private static final List<String> USER_HOSTS = List.of("%", "localhost");
    private static final int UNKNOWN_THREAD = 1094;
    /** Character set names go into DDL unquoted, so only plain names get that far. */
    public static final Pattern CHARSET_NAME = Pattern.compile("[A-Za-z0-9_]{1,32}");

    public void createDatabase(Connection connection, String database, String charset) throws SQLException {
        if (charset != null && !CHARSET_NAME.matcher(charset).matches()) {
            throw new IllegalArgumentException("not a character set name: " + charset);
        }
        // IF NOT EXISTS: a retry after a crash between "create" and "record" adopts the database.
        String sql = "CREATE DATABASE IF NOT EXISTS " + Names.quote(database)
                + (charset == null ? "" : " CHARACTER SET " + charset);
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    public void dropDatabase(Connection connection, String database) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + Names.quote(database));
        }
    }

    public boolean charsetExists(Connection connection, String charset) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME = ?")) {
            statement.setString(1, charset);
            try (ResultSet result = statement.executeQuery()) {
                return result.next();
            }
        }
    }

    /**
     * Creates the user if needed and (re)sets its password, leaving existing grants alone, so
     * calling it again is how a lost password is replaced without a moment without the user.
     */
    public void upsertUser(Connection connection, String user, String password, String database)
            throws SQLException {
        if (!Passwords.SAFE.matcher(password).matches()) {
            throw new IllegalArgumentException("refusing a password that is not plain alphanumeric");
        }
        try (Statement statement = connection.createStatement()) {
            for (String host : USER_HOSTS) {
                String account = Names.account(user, host);
                executeHidingPassword(statement, "CREATE USER IF NOT EXISTS " + account
                        + " IDENTIFIED BY '" + password + "'", "create user " + user);
                executeHidingPassword(statement, "ALTER USER " + account
                        + " IDENTIFIED BY '" + password + "'", "set the password of " + user);
                statement.execute("GRANT ALL PRIVILEGES ON " + Names.grantDatabase(database) + ".* TO " + account);
            }
        }
    }

    /** Drops the user on every host and ends its open sessions, so revoked means revoked. */
    public void dropUser(Connection connection, String user) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String host : USER_HOSTS) {
                statement.execute("DROP USER IF EXISTS " + Names.account(user, host));
            }
        }
        killSessions(connection, user);
    }

    /**
     * Broker-made users that still hold grants on the database, even if the broker lost track of
     * them (a binding whose unbind never arrived, a crash between creating and recording).
     */
    public List<String> usersGrantedOn(Connection connection, String database) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT DISTINCT User FROM mysql.db WHERE Db IN (?, ?)")) {
            statement.setString(1, database);
            statement.setString(2, database.replace("_", "\\_"));
            try (ResultSet rows = statement.executeQuery()) {
                List<String> users = new ArrayList<>();
                while (rows.next()) {
                    String user = rows.getString(1);
                    if (Names.BROKER_USER.matcher(user).matches()) {
                        users.add(user);
                    }
                }
                return users;
            }
        }
    }

    private static void killSessions(Connection connection, String user) throws SQLException {
        List<Long> sessions = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?")) {
            statement.setString(1, user);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    sessions.add(rows.getLong(1));
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            for (long session : sessions) {
                try {
                    statement.execute("KILL CONNECTION " + session);
                } catch (SQLException e) {
                    if (e.getErrorCode() != UNKNOWN_THREAD) { // it ended by itself meanwhile
                        throw e;
                    }
                }
            }
        }
        if (!sessions.isEmpty()) {
            LOG.infof("Ended %d open session(s) of revoked user %s", sessions.size(), user);
        }
    }

    /** Keeps the statement, and so the password, out of messages and logs whatever the driver settings. */
    private static void executeHidingPassword(Statement statement, String sql, String what) throws SQLException {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new SQLException("Could not " + what + " (MariaDB error " + e.getErrorCode() + ")",
                    e.getSQLState(), e.getErrorCode());
        }
    }
}
