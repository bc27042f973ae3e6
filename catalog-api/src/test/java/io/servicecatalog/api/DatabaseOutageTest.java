package io.servicecatalog.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.servicecatalog.api.rest.ErrorMappers;
import io.servicecatalog.testsupport.KafkaTestResource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** How catalog-api's connections to PostgreSQL are set up, and what callers see when it is away. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class DatabaseOutageTest {

  @Inject Pool pool;

  @Test
  void sessionsEndTransactionsLeftIdle() {
    String value = pool.query("SHOW idle_in_transaction_session_timeout").execute().await().indefinitely()
        .iterator().next().getString(0);
    assertEquals("30s", value);
  }

  @Test
  void aLostConnectionIsA503WithRetryAfterNotA500() {
    Response closed = new ErrorMappers().unexpected(new CompletionException(
        io.vertx.sqlclient.ClosedConnectionException.INSTANCE));
    assertEquals(503, closed.getStatus());
    assertEquals("1", closed.getHeaderString("Retry-After"));
    Response refused = new ErrorMappers().unexpected(new RuntimeException(new ConnectException("Connection refused")));
    assertEquals(503, refused.getStatus());
    Response shuttingDown = new ErrorMappers().unexpected(new RuntimeException(
        new PgException("terminating connection due to administrator command", "FATAL", "57P01", null)));
    assertEquals(503, shuttingDown.getStatus());
    Response reset = new ErrorMappers().unexpected(new RuntimeException(new java.net.SocketException("Connection reset")));
    assertEquals(503, reset.getStatus());
    Response inactive = new ErrorMappers().unexpected(new org.hibernate.HibernateException(
        new io.vertx.core.impl.NoStackTraceThrowable("Connection is not active now, current status: CLOSED")));
    assertEquals(503, inactive.getStatus());
    // a bug stays a 500
    Response bug = new ErrorMappers().unexpected(new IllegalStateException("bug"));
    assertEquals(500, bug.getStatus());
    assertFalse(bug.getHeaders().containsKey("Retry-After"));
    assertTrue(ErrorMappers.databaseUnavailable(new RuntimeException(), "08006"));
  }
}
