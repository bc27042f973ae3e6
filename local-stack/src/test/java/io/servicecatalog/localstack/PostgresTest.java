package io.servicecatalog.localstack;

import io.servicecatalog.testsupport.EmbeddedKafka;
import io.servicecatalog.testsupport.Ports;
import io.servicecatalog.testsupport.Topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Runs against the machine's PostgreSQL at 127.0.0.1:5432 (skipped when there is none). */
class PostgresTest {

    static Postgres local() {
        Assumptions.assumeTrue(Ports.isReachable("127.0.0.1", 5432, Duration.ofSeconds(1)),
                "no PostgreSQL at 127.0.0.1:5432");
        return Postgres.external("127.0.0.1", 5432, "postgres", "");
    }

    @Test
    void urls() {
        Postgres pg = Postgres.external("db.example", 6543, "u", "p");
        assertEquals("postgresql://db.example:6543/sc", pg.reactiveUrl("sc"));
        assertEquals("jdbc:postgresql://db.example:6543/sc", pg.jdbcUrl("sc"));
        assertFalse(pg.isEmbedded());
        assertEquals("u", pg.user());
        assertEquals("p", pg.password());
    }

    @Test
    void environmentSelectsExternalServer() {
        Postgres pg = Postgres.fromEnvironment(Map.of(Postgres.ENV_HOST, "10.1.2.3", Postgres.ENV_PORT, "5555",
                Postgres.ENV_USER, "sc", Postgres.ENV_PASSWORD, "pw"));
        assertFalse(pg.isEmbedded());
        assertEquals("10.1.2.3", pg.host());
        assertEquals(5555, pg.port());
        assertEquals("sc", pg.user());
        assertEquals("pw", pg.password());
    }

    @Test
    void rejectsNamesThatAreNotPlainIdentifiers() {
        Postgres pg = Postgres.external("127.0.0.1", 5432, "postgres", "");
        assertThrows(IllegalArgumentException.class, () -> pg.createDatabase("x\"; DROP DATABASE postgres; --"));
        assertThrows(IllegalArgumentException.class, () -> pg.dropDatabase("with-dash"));
    }

    @Test
    void createsAndDropsDatabaseEvenWithOpenConnections() throws Exception {
        Postgres pg = local();
        String db = "sc_pgtest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        pg.createDatabase(db);
        try {
            assertTrue(pg.databaseExists(db));
            Connection open = pg.connect(db);
            try (Statement st = open.createStatement(); ResultSet rs = st.executeQuery("SELECT current_database()")) {
                assertTrue(rs.next());
                assertEquals(db, rs.getString(1));
            }
            pg.dropDatabase(db); // terminates 'open'
            assertFalse(pg.databaseExists(db));
            assertTrue(open.isClosed() || !open.isValid(2));
            open.close();
            pg.recreateDatabase(db);
            assertTrue(pg.databaseExists(db));
        } finally {
            pg.dropDatabase(db);
        }
        assertFalse(pg.databaseExists(db));
    }

    @Test
    void embeddedServerRestartsOnItsPortWithItsDataAndCutsConnections() throws Exception {
        try (Postgres pg = Postgres.embedded()) {
            int port = pg.port();
            pg.createDatabase("kept");
            Connection before = pg.connect("kept");
            try (Statement st = before.createStatement()) {
                st.execute("CREATE TABLE t (v TEXT)");
                st.execute("INSERT INTO t VALUES ('survives')");
            }
            pg.restart();
            assertFalse(before.isValid(2), "a restart cuts existing connections");
            before.close();
            assertEquals(port, pg.port());
            try (Connection c = pg.connect("kept"); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT v FROM t")) {
                assertTrue(rs.next());
                assertEquals("survives", rs.getString(1));
            }
        }
    }

    @Test
    void anExternalServerIsNotRestarted() {
        assertThrows(IllegalStateException.class, () -> Postgres.external("127.0.0.1", 5432, "postgres", "").restart());
    }
}
