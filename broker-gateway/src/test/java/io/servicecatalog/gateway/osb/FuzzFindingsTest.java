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
  void brokerTextIsBoundedAndStorable() {
    String description = "a\u0000b\ud800c" + "x".repeat(5_000_000);
    OsbOutcome polled = OsbOutcomes.poll("b", r(200, "{\"state\":\"in progress\",\"description\":\"" + description.replace("\u0000", "\\u0000")
        .replace("\ud800", "\\ud800") + "\"}", null), false, "R");
    assertTrue(polled.description().length() <= 1100, "description of " + polled.description().length());
    assertFalse(polled.description().contains("\u0000"));
    assertTrue(polled.description().startsWith("a\uFFFDb\uFFFDc"), polled.description().substring(0, 10));
    OsbOutcome failed = OsbOutcomes.poll("b", r(200, "{\"state\":\"failed\",\"description\":\"" + "y".repeat(100_000) + "\"}", null),
        false, "R");
    assertTrue(failed.message().length() < 1200 && failed.description().length() < 1100);
    OsbOutcome error = OsbOutcomes.provision("b", r(500, "{\"error\":\"E\\u0000\",\"description\":\"" + "z".repeat(100_000) + "\"}", null));
    assertTrue(error.message().length() < 2500 && !error.message().contains("\u0000"), error.message().length() + "");
    // A pair of surrogates (an emoji) is kept; cutting never splits one.
    assertEquals("😀", OsbOutcomes.brokerText("😀"));
    String cut = OsbOutcomes.brokerText("x".repeat(1023) + "😀" + "y");
    assertFalse(Character.isHighSurrogate(cut.charAt(1022 + 1)) && cut.length() == 1024 + 3);
  }

  /** Found by CI (BrokerResponseFuzzE2ETest): a blank description became a progress result with an empty message. */
  @Test
  void aBlankDescriptionIsNoDescription() {
    for (String blank : new String[] {"", " ", "\\n\\t "}) {
      assertNull(OsbOutcomes.poll("b", r(200, "{\"state\":\"in progress\",\"description\":\"" + blank + "\"}", null), false, "R")
          .description(), "in progress, description \"" + blank + "\"");
      assertNull(OsbOutcomes.poll("b", r(200, "{\"state\":\"succeeded\",\"description\":\"" + blank + "\"}", null), false, "R")
          .description());
      OsbOutcome failed = OsbOutcomes.poll("b", r(200, "{\"state\":\"failed\",\"description\":\"" + blank + "\"}", null), false, "R");
      assertNull(failed.description());
      assertEquals("The broker \"b\" reports the operation failed", failed.message());
    }
  }

  @Test
  void anUnusableDashboardUrlIsIgnoredNotStored() {
    assertNull(OsbOutcomes.provision("b", r(201, "{\"dashboard_url\":\"http://x/" + "d".repeat(10_000) + "\"}", null)).dashboardUrl());
    assertNull(OsbOutcomes.provision("b", r(201, "{\"dashboard_url\":\"http://x/\\u0000\"}", null)).dashboardUrl());
    assertEquals(Kind.DONE, OsbOutcomes.provision("b", r(201, "{\"dashboard_url\":\"http://x/\\u0000\"}", null)).kind());
    assertEquals("http://x/ok", OsbOutcomes.provision("b", r(202, "{\"dashboard_url\":\"http://x/ok\"}", null)).dashboardUrl());
  }

  @Test
  void anOperationTokenWithNulCannotBeStoredSoTheAnswerIsMalformed() {
    OsbOutcome o = OsbOutcomes.provision("b", r(202, "{\"operation\":\"op\\u0000\"}", null));
    assertEquals(Kind.FAILED, o.kind());
    assertTrue(o.orphanMitigation());
  }

  @Test
  void catalogEntriesThatAreNotObjectsMakeAMalformedCatalog() {
    for (String body : new String[] {"{\"services\":[1]}", "{\"services\":[{\"id\":\"s\",\"name\":\"n\",\"plans\":\"x\"}]}",
        "{\"services\":[{\"id\":\"s\",\"name\":\"n\",\"plans\":[null]}]}"}) {
      OsbOutcome o = OsbOutcomes.catalog("b", r(200, body, null));
      assertEquals(Kind.FAILED, o.kind(), body);
      assertEquals(Reasons.ERROR_FETCHING_CATALOG, o.reason());
      assertTrue(o.message().contains("malformed catalog"), o.message());
    }
    assertEquals(Kind.DONE, OsbOutcomes.catalog("b", r(200, "{\"services\":[]}", null)).kind());
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

  @Test
  void theBrokersErrorCodeIsKeptOnlyInAStorableForm() {
    OsbOutcome o = OsbOutcomes.update("b", r(408, "{\"error\":\"\\udfff" + "e".repeat(5000) + "\"}", null));
    assertEquals('\uFFFD', o.errorCode().charAt(0));
    assertTrue(o.errorCode().length() <= 1100);
    assertTrue(OsbOutcomes.provision("b", r(422, "{\"error\":\"ConcurrencyError\"}", null)).isError("ConcurrencyError"));
  }
}
