package io.servicecatalog.gateway.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.catalog.CatalogFilter;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.servicecatalog.gateway.events.CredentialsSealer;
import io.servicecatalog.gateway.fuzz.BrokerResponses.Case;
import io.servicecatalog.gateway.fuzz.BrokerResponses.Endpoint;
import io.servicecatalog.gateway.osb.BrokerEndpoint;
import io.servicecatalog.gateway.osb.OsbClient;
import io.servicecatalog.gateway.osb.OsbHeaders;
import io.servicecatalog.gateway.osb.OsbOutcome;
import io.servicecatalog.gateway.osb.OsbOutcome.Kind;
import io.servicecatalog.gateway.osb.OsbOutcomes;
import io.servicecatalog.gateway.osb.OsbRequest;
import io.servicecatalog.gateway.osb.OsbResponse;
import io.servicecatalog.gateway.osb.OsbTransportException;
import io.servicecatalog.gateway.reconcile.StepSupport;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.gateway.support.FakeBroker;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.BindingCredentials;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.v1beta1.CatalogRestrictions;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.testsupport.KafkaTestResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Property-style fuzzing of everything a broker sends back: seeded generated answers
 * ({@link BrokerResponses}) are served by the real-HTTP fake broker and go through the real
 * {@link OsbClient} (bounded body reading, headers, version fallback), the outcome tables of
 * {@link OsbOutcomes} and what the handlers do with an outcome (row fields, polling schedule,
 * catalog restrictions, sealing credentials, the result as published). Properties checked for
 * every answer: nothing but "no answer" escapes as an exception; the outcome is one the spec's
 * tables allow for that status; every failure has a reason and a message; every text taken from
 * the broker is bounded and storable (no NUL, no unpaired surrogate); no credential value shows
 * up in an outcome, a result or a log record.
 *
 * <p>{@code -Dfuzz.responses=N} (default 3000), {@code -Dfuzz.seed=S} (printed; case i of a run
 * is generated from the seed and i alone, so a failure names the case to replay).
 */
@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class BrokerResponseFuzzTest {
  private static final int MAX_TEXT = 4096;
  private static final int THREADS = 4;

  @Inject
  OsbClient osb;

  @Inject
  GatewayConfig config;

  @Inject
  CredentialsSealer sealer;

  @Inject
  StepSupport support;

  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger crashes = new AtomicInteger();

  @Test
  void brokerAnswersOfAnyShapeEndInAnOutcomeTheSpecAllows() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    int total = Integer.getInteger("fuzz.responses", 3000);
    System.out.printf("BrokerResponseFuzzTest: %d broker answers, seed %d (replay: -Dfuzz.seed=%d)%n", total, seed, seed);
    FakeBroker broker = FakesTestResource.broker();
    LogCapture logs = LogCapture.install(BrokerResponses.CANARY);
    broker.recording = false;
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      AtomicInteger nextCase = new AtomicInteger();
      List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        workers.add(pool.submit(() -> {
          for (int i = nextCase.getAndIncrement(); i < total; i = nextCase.getAndIncrement()) {
            runCase(broker, seed, i, thread);
          }
        }));
      }
      for (var w : workers) {
        w.get(2, TimeUnit.HOURS);
      }
    } finally {
      pool.shutdownNow();
      broker.recording = true;
      logs.uninstall();
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    System.out.printf("BrokerResponseFuzzTest: %d answers in %d s (seed %d), 0 expected crashes, %d found; by outcome:%n",
        total, seconds, seed, crashes.get());
    new TreeMap<>(counts).forEach((k, v) -> System.out.printf("  %-48s %d%n", k, v.get()));
    if (!logs.leaks().isEmpty()) {
      violations.add("credential values in " + logs.leaks().size() + " log records, e.g. " + logs.leaks().get(0));
    }
    assertTrue(violations.isEmpty(), violations.size() + " violations (seed " + seed + "), first ones:\n"
        + String.join("\n", violations.subList(0, Math.min(20, violations.size()))));
    assertEquals(0, crashes.get());
    long checked = counts.entrySet().stream().filter(e -> e.getKey().startsWith("kind ")).mapToLong(e -> e.getValue().get()).sum();
    assertEquals(total, checked, "every case was run");
  }

  @Test
  void aBrokerStreamingAGigabyteIsCutOffAtTheLimit() {
    FakeBroker broker = FakesTestResource.broker();
    long limit = config.osb().maxResponseSize().asLongValue();
    for (FakeBroker.Framing framing : List.of(FakeBroker.Framing.STREAM_CHUNKED, FakeBroker.Framing.STREAM_DECLARED)) {
      String id = "gigabyte-" + framing + "-" + System.nanoTime();
      broker.program(id, "PUT", "", FakeBroker.Reply.raw(201,
          new FakeBroker.Raw("{\"dashboard_url\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_8), framing, 1L << 30),
          Map.of("Content-Type", "application/json")));
      BrokerEndpoint endpoint = new BrokerEndpoint("ClusterServiceBroker/gigabyte", "gigabyte", broker.url(), false, null,
          "Basic " + java.util.Base64.getEncoder().encodeToString((FakeBroker.USER + ":" + FakeBroker.PASSWORD).getBytes()), null);
      OsbResponse r = osb.send(endpoint, new OsbRequest("ProvisionInstance", "PUT", "/v2/service_instances/" + id + "?accepts_incomplete=true",
          Map.of("service_id", "s"), null, rid(), "gigabyte", id)).await().atMost(Duration.ofSeconds(60));
      assertTrue(r.bodyTooLarge(), framing + ": the read stops at the limit");
      assertTrue(r.body().length <= limit);
      OsbOutcome o = OsbOutcomes.provision("gigabyte", r);
      assertEquals(Kind.FAILED, o.kind());
      assertTrue(o.orphanMitigation(), "a 201 whose body cannot be read is orphan-mitigated");
      assertTrue(o.message().contains("larger than the gateway reads"), o.message());
    }
  }

  private void runCase(FakeBroker broker, long seed, int index, int thread) {
    Case c = new BrokerResponses(seed * 1_000_003L + index, config.osb().maxResponseSize().asLongValue()).next();
    String id = "fz" + index + "-" + Long.toHexString(seed);
    count("kind " + c.kind());
    try {
      OsbOutcome o = exchange(broker, c, id, thread);
      String cls = o == null ? "no answer" : o.kind() + (o.terminal() ? " terminal" : "") + (o.orphanMitigation() ? " orphan-mitigation" : "");
      count("outcome " + c.endpoint() + " " + cls);
      count("outcome (all) " + cls);
      if (o != null) {
        check(c, o, index);
        decide(c, o, index);
      }
    } catch (Throwable t) {
      crashes.incrementAndGet();
      violation(index, c, "crash: " + t);
      if (crashes.get() <= 3) {
        t.printStackTrace();
      }
    }
  }

  private void count(String key) {
    counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
  }

  private void violation(int index, Case c, String what) {
    violations.add("case " + index + " " + c.endpoint() + " " + c.kind() + " HTTP " + c.reply().status() + ": " + what);
  }

  // --- the exchange ------------------------------------------------------------------------

  /** Programs the fake broker, sends the matching request, classifies the answer; null: no answer. */
  private OsbOutcome exchange(FakeBroker broker, Case c, String id, int thread) {
    String url = broker.url();
    String base = "/v2/service_instances/";
    String bindings = base + "inst-" + id + "/service_bindings/";
    String name = "fuzz-" + thread;
    OsbRequest request;
    java.util.function.Function<OsbResponse, OsbOutcome> classify;
    Map<String, Object> body = Map.of("service_id", "svc-1", "plan_id", "plan-1");
    String delete = "?accepts_incomplete=true&service_id=svc-1&plan_id=plan-1";
    String poll = "/last_operation?service_id=svc-1&plan_id=plan-1&operation=task";
    switch (c.endpoint()) {
      case CATALOG -> {
        url = url + "/b-" + id;
        broker.program("catalog/b-" + id, "GET", "", c.reply());
        request = new OsbRequest("GetCatalog", "GET", "/v2/catalog", null, null, rid(), name, id, true);
        classify = r -> OsbOutcomes.catalog(name, r);
      }
      case PROVISION -> {
        broker.program(id, "PUT", "", c.reply());
        request = new OsbRequest("ProvisionInstance", "PUT", base + id + "?accepts_incomplete=true", body, null, rid(), name, id);
        classify = r -> OsbOutcomes.provision(name, r);
      }
      case UPDATE -> {
        broker.program(id, "PATCH", "", c.reply());
        request = new OsbRequest("UpdateInstance", "PATCH", base + id + "?accepts_incomplete=true", body, null, rid(), name, id);
        classify = r -> OsbOutcomes.update(name, r);
      }
      case DEPROVISION -> {
        broker.program(id, "DELETE", "", c.reply());
        request = new OsbRequest("DeprovisionInstance", "DELETE", base + id + delete, null, null, rid(), name, id);
        classify = r -> OsbOutcomes.deprovision(name, r);
      }
      case BIND -> {
        broker.program(id, "PUT", "", c.reply());
        request = new OsbRequest("Bind", "PUT", bindings + id + "?accepts_incomplete=true", body, null, rid(), name, id);
        classify = r -> OsbOutcomes.bind(name, r);
      }
      case UNBIND -> {
        broker.program(id, "DELETE", "", c.reply());
        request = new OsbRequest("Unbind", "DELETE", bindings + id + delete, null, null, rid(), name, id);
        classify = r -> OsbOutcomes.unbind(name, r);
      }
      case POLL_INSTANCE -> {
        broker.program(id, "GET", "last_operation", c.reply());
        boolean deleting = Math.floorMod(id.hashCode(), 2) == 0;
        request = new OsbRequest("PollLastOperation", "GET", base + id + poll, null, null, rid(), name, id);
        classify = r -> OsbOutcomes.poll(name, r, deleting, Reasons.PROVISION_CALL_FAILED);
      }
      case POLL_BINDING -> {
        broker.program(id, "GET", "last_operation", c.reply());
        boolean deleting = Math.floorMod(id.hashCode(), 2) == 0;
        request = new OsbRequest("PollLastOperationBinding", "GET", bindings + id + poll, null, null, rid(), name, id);
        classify = r -> OsbOutcomes.poll(name, r, deleting, Reasons.BIND_CALL_FAILED);
      }
      case GET_INSTANCE -> {
        broker.program(id, "GET", "", c.reply());
        request = new OsbRequest("GetInstance", "GET", base + id, null, null, rid(), name, id);
        classify = r -> OsbOutcomes.fetchInstance(name, r);
      }
      default -> {
        broker.program(id, "GET", "", c.reply());
        boolean afterAsyncBind = Math.floorMod(id.hashCode(), 2) == 0;
        request = new OsbRequest("GetBinding", "GET", bindings + id + "?service_id=svc-1&plan_id=plan-1", null, null, rid(), name, id);
        classify = r -> afterAsyncBind ? OsbOutcomes.fetchBinding(name, r) : OsbOutcomes.fetchBoundBinding(name, r);
      }
    }
    BrokerEndpoint endpoint = new BrokerEndpoint("ClusterServiceBroker/" + name, name, url, false, null,
        "Basic " + java.util.Base64.getEncoder().encodeToString((FakeBroker.USER + ":" + FakeBroker.PASSWORD).getBytes()), null);
    OsbResponse response;
    try {
      response = osb.send(endpoint, request).await().atMost(Duration.ofSeconds(60));
    } catch (OsbTransportException e) {
      // No answer (a cut-off body): what the handlers make of it is checked too.
      count("no answer: " + c.kind());
      OsbOutcome o = switch (c.endpoint()) {
        case POLL_INSTANCE, POLL_BINDING, GET_BINDING -> OsbOutcome.pollAgain(null, e.requestIdentity(), null, null, e.getMessage());
        case CATALOG -> OsbOutcomes.transport(e, false, Reasons.ERROR_FETCHING_CATALOG);
        default -> OsbOutcomes.transport(e, c.endpoint() == Endpoint.PROVISION || c.endpoint() == Endpoint.BIND, Reasons.PROVISION_CALL_FAILED);
      };
      checkText("transport message", e.getMessage(), c, 0);
      return o;
    }
    if (response.bodyTooLarge()) {
      count("body too large (read stopped at the limit)");
    }
    if (String.valueOf(response).contains(BrokerResponses.CANARY)) {
      violations.add("response toString shows a credential");
    }
    return classify.apply(response);
  }

  private static String rid() {
    return java.util.UUID.randomUUID().toString();
  }

  // --- properties of the outcome -----------------------------------------------------------

  private void check(Case c, OsbOutcome o, int index) {
    Integer status = o.httpStatus();
    int s = status == null ? -1 : status;
    Kind k = o.kind();
    List<String> bad = new ArrayList<>();
    switch (c.endpoint()) {
      case PROVISION, BIND -> {
        if (s >= 400 && s < 500 && o.orphanMitigation()) bad.add("4xx must not start orphan mitigation");
        if (s >= 500 && s < 600 && !(k == Kind.FAILED && o.orphanMitigation())) bad.add("5xx must start orphan mitigation");
        if (k == Kind.DONE && s != 200 && s != 201) bad.add("DONE without 200/201");
        if (k == Kind.ACCEPTED && s != 202) bad.add("ACCEPTED without 202");
        if (s == 201 && k == Kind.FAILED && !o.orphanMitigation()) bad.add("201 failed without orphan mitigation");
        if (s > 202 && s < 300 && !o.orphanMitigation()) bad.add("other 2xx must start orphan mitigation");
      }
      case UPDATE -> {
        if (o.orphanMitigation()) bad.add("an update is never orphan-mitigated");
        if (k == Kind.DONE && s != 200) bad.add("DONE without 200");
        if (k == Kind.ACCEPTED && s != 202) bad.add("ACCEPTED without 202");
      }
      case DEPROVISION, UNBIND -> {
        if ((s == 200 || s == 410) != (k == Kind.DONE)) bad.add("DONE exactly for 200 and 410");
        if (k == Kind.ACCEPTED && s != 202) bad.add("ACCEPTED without 202");
        if (k == Kind.FAILED && (o.terminal() || o.orphanMitigation())) bad.add("a failed delete is retried, not final");
      }
      case POLL_INSTANCE, POLL_BINDING -> {
        if (k == Kind.ACCEPTED) bad.add("a poll cannot be ACCEPTED");
        if (k == Kind.DONE && s != 200 && s != 410) bad.add("DONE without 200/410");
        if (k == Kind.FAILED && o.terminal() && s != 400) bad.add("only 400 fails a poll for good");
        if (s != 200 && s != 400 && s != 410 && status != null && k != Kind.POLL_AGAIN) bad.add("other statuses keep polling");
      }
      case CATALOG -> {
        if (k == Kind.DONE && (s != 200 || o.catalog() == null || !o.catalog().path("services").isArray())) {
          bad.add("DONE without a catalog");
        }
        if (k != Kind.DONE && k != Kind.FAILED) bad.add("a catalog fetch is DONE or FAILED");
        if (k == Kind.FAILED && !Reasons.ERROR_FETCHING_CATALOG.equals(o.reason())) bad.add("catalog failure reason");
      }
      case GET_INSTANCE, GET_BINDING -> {
        if (k == Kind.DONE && s != 200) bad.add("DONE without 200");
      }
    }
    if (k == Kind.FAILED && (o.reason() == null || o.message() == null || o.message().isBlank())) {
      bad.add("a failure without reason or message");
    }
    if (o.description() != null && o.description().isBlank()) {
      bad.add("a blank description (it would become an empty progress message)");
    }
    if (k == Kind.ACCEPTED && o.operation() != null
        && (o.operation().length() > OsbHeaders.MAX_OPERATION_LENGTH || o.operation().indexOf('\0') >= 0)) {
      bad.add("unusable operation token accepted");
    }
    checkText("message", o.message(), c, index);
    checkText("description", o.description(), c, index);
    checkText("dashboard_url", o.dashboardUrl(), c, index);
    checkText("reason", o.reason(), c, index);
    checkText("error code", o.errorCode(), c, index);
    if (String.valueOf(o).contains(BrokerResponses.CANARY) || String.valueOf(o.bind()).contains(BrokerResponses.CANARY)) {
      bad.add("toString shows a credential");
    }
    for (String b : bad) {
      violation(index, c, b + " (outcome " + o + ", message " + abbreviate(o.message()) + ")");
    }
  }

  /** Text that ends up in a row, a status or a log line: bounded, storable, no credential. */
  private void checkText(String what, String text, Case c, int index) {
    if (text == null) {
      return;
    }
    if (text.length() > MAX_TEXT) {
      violation(index, c, what + " of " + text.length() + " characters");
    }
    if (text.contains(BrokerResponses.CANARY)) {
      violation(index, c, what + " holds a credential value");
    }
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      boolean pairedSurrogate = Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
      if (pairedSurrogate) {
        i++;
      } else if (ch == 0 || Character.isSurrogate(ch)) {
        violation(index, c, what + " holds a character PostgreSQL or UTF-8 cannot store (U+" + Integer.toHexString(ch) + ")");
        return;
      }
    }
  }

  private static String abbreviate(String s) {
    return s == null ? null : s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  // --- what the handlers do with the outcome -------------------------------------------

  /** The handlers' use of an outcome, minus the database and Kafka: row fields, schedule, result, envelope. */
  private void decide(Case c, OsbOutcome o, int index) throws Exception {
    OperationRecord op = new OperationRecord();
    op.operation = switch (c.endpoint()) {
      case CATALOG -> Operation.FETCH_CATALOG;
      case UPDATE -> Operation.UPDATE;
      case DEPROVISION, POLL_INSTANCE, GET_INSTANCE -> Operation.DEPROVISION;
      case BIND, POLL_BINDING, GET_BINDING -> Operation.BIND;
      case UNBIND -> Operation.UNBIND;
      default -> Operation.PROVISION;
    };
    op.resourceKind = "ServiceInstance";
    op.resourceName = "fuzz";
    op.resourceUid = "uid-" + index;
    op.state = OperationState.SENT;
    support.note(op, o);
    OperationResult result;
    switch (o.kind()) {
      case DONE -> {
        result = support.result(op, Outcome.SUCCEEDED, "Done", "done");
        if (o.dashboardUrl() != null) {
          op.dashboardUrl = o.dashboardUrl();
          result.dashboardURL = o.dashboardUrl();
        }
        if (o.catalog() != null) {
          CatalogFilter.Filtered filtered = CatalogFilter.apply(o.catalog(), restrictions(index), index % 3 == 0);
          result.catalog = filtered.catalog();
        }
        if (o.bind() != null) {
          o.bind().expiresAt();
          o.bind().renewBefore();
          ServiceBinding binding = Fixtures.binding("b-" + index, "i");
          BindingCredentials plain = new BindingCredentials(o.bind().credentials() == null ? Map.of() : o.bind().credentials(), null,
              "fuzz", "class");
          var envelope = sealer.seal(binding, "secret", plain);
          if (Json.MAPPER.writeValueAsString(envelope).contains(BrokerResponses.CANARY)) {
            violation(index, c, "the sealed envelope shows a credential in plaintext");
          }
          count("credentials sealed");
        }
      }
      case ACCEPTED -> {
        support.startPolling(op, OperationState.POLLING, o.operation(), (long) (index % 5 == 0 ? 0 : 60));
        result = support.result(op, Outcome.IN_PROGRESS, "InProgress", "async");
        result.lastOperation = o.operation();
        result.dashboardURL = o.dashboardUrl();
      }
      case POLL_AGAIN -> {
        support.startPolling(op, OperationState.POLLING, "task", null);
        support.pollAgain(op, o.retryAfter());
        op.lastDescription = o.description();
        result = support.result(op, Outcome.IN_PROGRESS, "InProgress", o.description() == null ? "polling" : o.description());
      }
      default -> {
        result = support.result(op, Outcome.FAILED, o.reason(), o.message());
        result.terminal = o.terminal();
        if (o.terminal()) {
          support.finish(op, OperationState.FAILED);
        } else {
          op.attempts = 1 + index % 40;
          support.retryLater(op);
        }
      }
    }
    if (op.state.active() && op.nextAttemptAt == null && o.kind() != Kind.DONE) {
      violation(index, c, "an active row without a next attempt");
    }
    checkText("row message", op.message, c, index);
    checkText("row description", op.lastDescription, c, index);
    checkText("row dashboard", op.dashboardUrl, c, index);
    String json = Json.MAPPER.writeValueAsString(result);
    if (json.contains(BrokerResponses.CANARY) && !(o.catalog() != null && o.catalog().toString().contains(BrokerResponses.CANARY))) {
      violation(index, c, "the published result shows a credential");
    }
    if (o.kind() != Kind.DONE || o.catalog() == null) {
      // Everything but a catalog is small: the broker's texts are bounded.
      if (json.length() > 16 * 1024) {
        violation(index, c, "result of " + json.length() + " characters");
      }
    }
  }

  private static CatalogRestrictions restrictions(int index) {
    if (index % 4 != 0) {
      return null;
    }
    CatalogRestrictions r = new CatalogRestrictions();
    r.serviceClass = List.of("spec.externalName!=service-1");
    r.servicePlan = List.of("spec.free in (true, false)");
    return r;
  }
}
