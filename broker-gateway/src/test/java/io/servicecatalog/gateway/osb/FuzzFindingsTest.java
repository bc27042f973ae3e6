package io.servicecatalog.gateway.osb;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicecatalog.gateway.osb.OsbOutcome.Kind;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Regression tests of what fuzzing broker answers found (BrokerResponseFuzzTest). */
class FuzzFindingsTest {

  static OsbResponse r(int status, String body, String retryAfter) {
    return new OsbResponse(status, body.getBytes(StandardCharsets.UTF_8), retryAfter, "rid", 5);
  }

  @Test
  void aHugeRetryAfterCannotOverflowTheNextPollTime() {
    for (String v : new String[] {"9223372036854775807", "86400000000", "Fri, 31 Dec 9999 23:59:59 GMT"}) {
      OsbOutcome o = OsbOutcomes.poll("b", r(200, "{\"state\":\"in progress\"}", v), false, "R");
      assertEquals(OsbOutcomes.MAX_RETRY_AFTER, o.retryAfter(), v);
      assertDoesNotThrow(() -> Instant.now().plus(o.retryAfter()));
    }
    assertEquals(Duration.ofSeconds(5), OsbOutcomes.poll("b", r(200, "{\"state\":\"in progress\"}", "5"), false, "R").retryAfter());
  }

  @Test
  void aBodyPastTheLimitIsMalformedWithAClearMessage() {
    OsbResponse tooLarge = new OsbResponse(201, new byte[0], null, "rid", 5, OsbHeaders.VERSION, true);
    OsbOutcome o = OsbOutcomes.provision("b", tooLarge);
    assertEquals(Kind.FAILED, o.kind());
    assertTrue(o.orphanMitigation(), "a 201 whose body cannot be read is orphan-mitigated");
    assertTrue(o.message().contains("max-response-size"), o.message());
    OsbResponse catalog = new OsbResponse(200, new byte[0], null, "rid", 5, OsbHeaders.VERSION, true);
    assertTrue(OsbOutcomes.catalog("b", catalog).message().contains("larger than the gateway reads"));
  }
}
