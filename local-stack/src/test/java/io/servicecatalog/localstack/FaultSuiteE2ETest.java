package io.servicecatalog.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.servicecatalog.testsupport.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault suite: many instance/binding lifecycles through the real mesh (catalog-api,
 * broker-gateway, credential-injector, k8s-syncer as separate processes; embedded Kafka and an
 * embedded PostgreSQL that can really be restarted; the Kubernetes API stand-in) against a
 * {@link FaultyBroker}, while a fault schedule kills services with SIGKILL (each in turn and two
 * at once), restarts Kafka and PostgreSQL, and makes the broker fail, hang, answer garbage and go
 * away. Lifecycles hurt by a fault are cleaned up (deleted) and retried, as a user would.
 *
 * <p>Once the faults stop and the mesh settles, the invariants are checked against the broker's
 * own truth: the catalog's instances and bindings are exactly the broker's (no orphan, nothing
 * missing), no id was successfully created twice, every Secret belongs to an existing binding and
 * holds the broker's credentials, every audit event corresponds to a state change (OSB calls to
 * requests the broker answered) and every final state change has its event; no gateway operation
 * is left running. A broker that disappears for good is handled by abandoning its resources.
 *
 * <p>Short form by default; {@code -Dfaults.lifecycles=1000} for the long one (the schedule then
 * repeats while lifecycles run). Counts are printed at the end.
 */
class FaultSuiteE2ETest {

  static final String NS = "default";
  static final ObjectMapper JSON = new ObjectMapper();
  static final int LIFECYCLES = Integer.getInteger("faults.lifecycles", 40);
  static final int CONCURRENCY = Integer.getInteger("faults.concurrency", 16);
  /** Every KEEP_EVERY-th lifecycle stops after bind, so that the final comparison is not of two empty sets. */
  static final int KEEP_EVERY = 10;
  /** The long form repeats the fault schedule until its lifecycles are done; the short one runs it once. */
  static final boolean REPEAT_SCHEDULE = LIFECYCLES > 200;
  static final Duration OSB_TIMEOUT = Duration.ofSeconds(2);
  static final Duration STEP = Duration.ofSeconds(Integer.getInteger("faults.step-timeout-s", 120));
  static final String BROKER = "faulty-broker";
  static final String SECRET_LABEL_UID = "servicecatalog.k8s.io/binding-uid";

  static Postgres postgres;
  static LocalStack stack;
  static FaultyBroker broker;
  static String api;
  static KubernetesClient kube;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3)).build();

  // what the suite did, for the report and the invariants
  static final Map<String, AtomicInteger> faults = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> lifecycleOutcomes = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> failureSteps = new ConcurrentHashMap<>();
  /** catalog-api's 5xx answers by code and reason: 503 (database or Kafka briefly away) is fine, 500 is a bug. */
  static final Map<String, AtomicInteger> serverErrors = new ConcurrentHashMap<>();
  /** uid -> externalID of every instance and binding the suite created (known to catalog-api). */
  static final Map<String, String> createdUids = new ConcurrentHashMap<>();
  static final Set<String> keptInstances = ConcurrentHashMap.newKeySet();
  static final Set<String> keptBindings = ConcurrentHashMap.newKeySet();
  static final Set<String> abandonedUids = ConcurrentHashMap.newKeySet();
  static final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
  static final Map<String, Integer> checks = new LinkedHashMap<>();

  @BeforeAll
  static void startTheMesh() throws Exception {
    broker = new FaultyBroker("faulty", 2, OSB_TIMEOUT.plusSeconds(2)).start();
    // Embedded, so that the suite can restart it: the system PostgreSQL is not ours to restart.
    postgres = Postgres.embedded();
    stack = LocalStack.builder()
        .randomPorts(true)
        .postgres(postgres)
        .databaseName("sc_faults")
        .logDir(Path.of("target", "fault-logs"))
        .services(LocalStack.CATALOG_API, LocalStack.BROKER_GATEWAY, LocalStack.CREDENTIAL_INJECTOR,
            LocalStack.K8S_SYNCER)
        .serviceProperty(LocalStack.BROKER_GATEWAY, "servicecatalog.osb.request-timeout", OSB_TIMEOUT.toSeconds() + "s")
        .serviceProperty(LocalStack.BROKER_GATEWAY, "servicecatalog.polling.initial-interval", "200ms")
        .serviceProperty(LocalStack.BROKER_GATEWAY, "servicecatalog.polling.max-interval", "1s")
        .serviceProperty(LocalStack.BROKER_GATEWAY, "servicecatalog.retry.initial-interval", "300ms")
        .serviceProperty(LocalStack.BROKER_GATEWAY, "servicecatalog.retry.max-interval", "3s")
        .serviceProperty(LocalStack.BROKER_GATEWAY, "servicecatalog.resync-interval", "20s")
        .build()
        .start();
    api = stack.catalogApiRestBase();
    kube = stack.kubernetes().client();
    register(broker, BROKER);
  }

  @AfterAll
  static void stopTheMesh() {
    if (stack != null) {
      stack.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void lifecyclesUnderFaultsLeaveNoOrphansAndATruthfulAuditTrail() throws Exception {
    brokerGoneForGoodIsAbandoned();

    long t0 = System.nanoTime();
    AtomicBoolean scheduleDone = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY + 1);
    Future<?> schedule = pool.submit(() -> {
      try {
        faultSchedule(stop);
      } finally {
        scheduleDone.set(true);
      }
      return null;
    });
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < CONCURRENCY; w++) {
      workers.add(pool.submit(() -> {
        int i;
        // N lifecycles; the short form also keeps them coming for as long as its one round of faults runs
        while ((i = next.getAndIncrement()) < LIFECYCLES || (!REPEAT_SCHEDULE && !scheduleDone.get())) {
          lifecycle(i);
        }
        return null;
      }));
    }
    for (Future<?> f : workers) {
      f.get();
    }
    stop.set(true);
    schedule.get();
    pool.shutdown();
    double runSeconds = (System.nanoTime() - t0) / 1e9;

    // The faults have stopped: everything up, the broker healthy.
    broker.noFaults();
    broker.up();
    for (ServiceProcess p : stack.services().values()) {
      if (!p.isAlive()) {
        p.start();
        p.awaitReady(Duration.ofSeconds(180));
      }
    }
    long settle0 = System.nanoTime();
    boolean settled = awaitQuietly(Duration.ofSeconds(180), FaultSuiteE2ETest::catalogMatchesBroker);
    double settleSeconds = (System.nanoTime() - settle0) / 1e9;

    checkInvariants();
    report(next.get(), runSeconds, settled, settleSeconds);
    assertTrue(settled, "the catalog and the broker did not converge after the faults stopped: " + differences());
    assertEquals(List.of(), violations, "invariant violations");
    assertTrue(serverErrors.keySet().stream().noneMatch(k -> k.startsWith("500")),
        "catalog-api answered 500 (an internal error, not an outage): " + snapshot(serverErrors));
    assertTrue(faults.keySet().containsAll(List.of("kill " + LocalStack.CATALOG_API, "kill " + LocalStack.BROKER_GATEWAY,
        "kill " + LocalStack.CREDENTIAL_INJECTOR, "kill " + LocalStack.K8S_SYNCER, "kill two at once",
        "restart Kafka", "restart PostgreSQL", "broker 5xx", "broker hang", "broker malformed", "broker down")), "every fault kind injected: " + faults.keySet());
  }

  // ------------------------------------------------------------------ the fault schedule

  /**
   * Every fault kind once (repeated while the long form's lifecycles run). A killed service is
   * started again at once but not awaited: the next fault hits while it is still coming up, which
   * keeps the schedule short and the faults overlapping. All services are awaited before the
   * double kill and at the end of a round.
   */
  static void faultSchedule(AtomicBoolean stop) throws Exception {
    Duration phase = Duration.ofSeconds(Integer.getInteger("faults.phase-s", 5));
    Duration pause = Duration.ofSeconds(Integer.getInteger("faults.pause-s", 2));
    boolean repeat = REPEAT_SCHEDULE;
    // between rounds of the long form: time for lifecycles to get through, or only the first few would
    Duration roundGap = Duration.ofSeconds(Integer.getInteger("faults.round-gap-s", 60));
    List<List<String>> pairs = List.of(List.of(LocalStack.BROKER_GATEWAY, LocalStack.CREDENTIAL_INJECTOR),
        List.of(LocalStack.CATALOG_API, LocalStack.BROKER_GATEWAY), List.of(LocalStack.CATALOG_API, LocalStack.K8S_SYNCER));
    int round = 0;
    do {
      sleep(pause);
      brokerPhase("broker 5xx", phase, () -> broker.faults(0.3, 0, 0),
          FaultyBroker.Outcome.ERROR_BEFORE_WORK, FaultyBroker.Outcome.ERROR_AFTER_WORK);
      kill(LocalStack.CATALOG_API);
      brokerPhase("broker hang", phase, () -> broker.faults(0, 0.2, 0),
          FaultyBroker.Outcome.HANG_BEFORE_WORK, FaultyBroker.Outcome.HANG_AFTER_WORK);
      kill(LocalStack.BROKER_GATEWAY);
      sleep(pause);
      fault("restart Kafka", () -> stack.kafka().restart());
      brokerPhase("broker malformed", phase, () -> broker.faults(0, 0, 0.3), FaultyBroker.Outcome.MALFORMED);
      kill(LocalStack.CREDENTIAL_INJECTOR);
      sleep(pause);
      fault("restart PostgreSQL", () -> postgres.restart());
      kill(LocalStack.K8S_SYNCER);
      awaitAllReady();
      List<String> pair = pairs.get(round++ % pairs.size());
      fault("kill two at once", () -> {
        for (String service : pair) {
          stack.service(service).kill();
        }
        for (String service : pair) {
          stack.service(service).start();
        }
      });
      brokerPhase("broker down", phase, () -> broker.down());
      brokerPhase("broker mixed", phase, () -> broker.faults(0.1, 0.05, 0.1));
      awaitAllReady();
      if (repeat) {
        sleepUnless(stop, roundGap);
      }
    } while (repeat && !stop.get());
  }

  static void sleepUnless(AtomicBoolean stop, Duration d) throws InterruptedException {
    long deadline = System.nanoTime() + d.toNanos();
    while (!stop.get() && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
  }

  static void awaitAllReady() {
    for (ServiceProcess p : stack.services().values()) {
      p.awaitReady(Duration.ofSeconds(180));
    }
  }

  /**
   * A broker fault for at least {@code length}, and then until it has hit a few calls (at most a
   * minute more): a phase that falls while the gateway is down would otherwise exercise nothing.
   */
  static void brokerPhase(String kind, Duration length, Runnable on, FaultyBroker.Outcome... hits) throws Exception {
    fault(kind, () -> {
      long before = broker.count(hits);
      on.run();
      sleep(length);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (hits.length > 0 && broker.count(hits) - before < 3 && System.nanoTime() < deadline) {
        Thread.sleep(250);
      }
      broker.noFaults();
      broker.up();
    });
  }

  static void kill(String service) throws Exception {
    fault("kill " + service, () -> {
      ServiceProcess p = stack.service(service);
      p.kill();
      p.start();
    });
  }

  interface Action {
    void run() throws Exception;
  }

  static void fault(String kind, Action action) throws Exception {
    long t = System.nanoTime();
    action.run();
    faults.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    say(String.format(Locale.ROOT, "fault: %s (%.1f s); lifecycles so far %s", kind, (System.nanoTime() - t) / 1e9,
        snapshot(lifecycleOutcomes)));
  }

  // ------------------------------------------------------------------ one lifecycle

  /**
   * provision -> Ready -> bind -> Secret with the broker's credentials -> unbind -> deprovision
   * -> gone. A failed attempt is deleted and tried again under a new name, up to three times.
   */
  static void lifecycle(int i) {
    boolean async = i % 2 == 1;
    boolean keep = i % KEEP_EVERY == 0;
    for (int attempt = 1; attempt <= 3; attempt++) {
      String inst = "f-" + i + "-" + attempt;
      String bind = inst + "-b";
      String secret = inst + "-s";
      String step = "create";
      try {
        JsonNode created = createOrGet("serviceinstances", inst, """
            {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ServiceInstance",
             "metadata":{"name":"%s","namespace":"%s"},
             "spec":{"clusterServiceClassExternalName":"%s","clusterServicePlanExternalName":"%s"}}"""
            .formatted(inst, NS, broker.serviceName(), async ? FaultyBroker.ASYNC_PLAN : FaultyBroker.SYNC_PLAN));
        createdUids.put(created.at("/metadata/uid").asText(), created.at("/spec/externalID").asText());
        step = "provision";
        if (!awaitState("serviceinstances", inst)) {
          throw new StepFailed(step);
        }
        step = "bind";
        JsonNode b = createOrGet("servicebindings", bind, """
            {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ServiceBinding",
             "metadata":{"name":"%s","namespace":"%s"},
             "spec":{"instanceRef":{"name":"%s"},"secretName":"%s"}}""".formatted(bind, NS, inst, secret));
        String bindingExternalId = b.at("/spec/externalID").asText();
        createdUids.put(b.at("/metadata/uid").asText(), bindingExternalId);
        if (!awaitState("servicebindings", bind)) {
          throw new StepFailed(step);
        }
        step = "secret";
        Secret s = kube.secrets().inNamespace(NS).withName(secret).get();
        FaultyBroker.Binding truth = broker.bindings().get(bindingExternalId);
        if (s == null || truth == null || !decode(s).entrySet().containsAll(truth.credentials().entrySet())) {
          violations.add("binding " + bind + " is Ready but its Secret " + (s == null ? "is missing"
              : truth == null ? "exists while the broker has no binding " + bindingExternalId
              : "does not hold the broker's credentials"));
        }
        if (keep) {
          keptInstances.add(inst);
          keptBindings.add(bind);
          count(lifecycleOutcomes, attempt == 1 ? "ok (kept)" : "ok (kept) after a cleaned failure");
          return;
        }
        step = "unbind";
        delete("servicebindings", bind);
        if (!awaitGone("servicebindings", bind)) {
          throw new StepFailed(step);
        }
        if (kube.secrets().inNamespace(NS).withName(secret).get() != null) {
          violations.add("binding " + bind + " is gone but its Secret " + secret + " is not");
        }
        step = "deprovision";
        delete("serviceinstances", inst);
        if (!awaitGone("serviceinstances", inst)) {
          throw new StepFailed(step);
        }
        count(lifecycleOutcomes, attempt == 1 ? "ok" : "ok after a cleaned failure");
        return;
      } catch (Exception e) {
        count(failureSteps, step + (e instanceof StepFailed ? "" : " (" + e.getClass().getSimpleName() + ")"));
        // as a user would: delete what is there and try again
        try {
          delete("servicebindings", bind);
          delete("serviceinstances", inst);
          boolean cleaned = awaitGone("servicebindings", bind) && awaitGone("serviceinstances", inst);
          count(lifecycleOutcomes, cleaned ? "failed and cleaned" : "failed, clean-up still pending");
        } catch (Exception cleanup) {
          count(lifecycleOutcomes, "failed, clean-up still pending");
        }
      }
    }
  }

  static final class StepFailed extends Exception {
    StepFailed(String step) {
      super(step, null, false, false);
    }
  }

  /** POST; when the answer was lost (catalog-api killed) and the object exists, read it instead. */
  static JsonNode createOrGet(String plural, String name, String body) throws Exception {
    String collection = "/namespaces/" + NS + "/" + plural;
    long deadline = System.nanoTime() + STEP.toNanos();
    while (true) {
      HttpResponse<String> r = catalogQuietly("POST", collection, body);
      if (r != null && r.statusCode() == 201) {
        return JSON.readTree(r.body());
      }
      if (r != null && r.statusCode() == 409) {
        HttpResponse<String> g = catalogQuietly("GET", collection + "/" + name, null);
        if (g != null && g.statusCode() == 200) {
          return JSON.readTree(g.body());
        }
      } else if (r != null && r.statusCode() < 500) {
        throw new IllegalStateException("POST " + collection + " -> " + r.statusCode() + ": " + r.body());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not create " + name);
      }
      Thread.sleep(500);
    }
  }

  /** Waits for Ready True; false on a terminal failure (Failed condition) or after {@link #STEP}. */
  static boolean awaitState(String plural, String name) throws InterruptedException {
    String path = "/namespaces/" + NS + "/" + plural + "/" + name;
    long deadline = System.nanoTime() + STEP.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode o = get(path);
      if (o != null) {
        if ("True".equals(condition(o, "Ready"))) {
          return true;
        }
        if ("True".equals(condition(o, "Failed"))) {
          return false;
        }
      }
      Thread.sleep(250);
    }
    return false;
  }

  static boolean awaitGone(String plural, String name) throws InterruptedException {
    String path = "/namespaces/" + NS + "/" + plural + "/" + name;
    return awaitQuietly(STEP, () -> {
      HttpResponse<String> r = catalogQuietly("GET", path, null);
      return r != null && r.statusCode() == 404;
    });
  }

  static void delete(String plural, String name) throws Exception {
    String path = "/namespaces/" + NS + "/" + plural + "/" + name;
    long deadline = System.nanoTime() + STEP.toNanos();
    while (true) {
      HttpResponse<String> r = catalogQuietly("DELETE", path, null);
      if (r != null && (r.statusCode() == 200 || r.statusCode() == 202 || r.statusCode() == 404)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not delete " + path + (r == null ? "" : ": " + r.statusCode()));
      }
      Thread.sleep(500);
    }
  }

  // ------------------------------------------------------------------ a broker gone for good

  /**
   * Stuck-state recovery without database surgery: a broker that disappears for good leaves its
   * instances and bindings unable to deprovision/unbind; the abandon annotation lets go of them,
   * audited, and leaves no residue (no Secret, no gateway operation still running).
   */
  static void brokerGoneForGoodIsAbandoned() throws Exception {
    FaultyBroker doomed = new FaultyBroker("doomed", 0, Duration.ZERO).start();
    register(doomed, "doomed-broker");
    JsonNode inst = createOrGet("serviceinstances", "doomed-i", """
        {"metadata":{"name":"doomed-i"},
         "spec":{"clusterServiceClassExternalName":"%s","clusterServicePlanExternalName":"sync"}}"""
        .formatted(doomed.serviceName()));
    assertTrue(awaitState("serviceinstances", "doomed-i"), "doomed instance Ready");
    JsonNode bind = createOrGet("servicebindings", "doomed-b", """
        {"metadata":{"name":"doomed-b"},"spec":{"instanceRef":{"name":"doomed-i"},"secretName":"doomed-s"}}""");
    assertTrue(awaitState("servicebindings", "doomed-b"), "doomed binding Ready");
    assertTrue(kube.secrets().inNamespace(NS).withName("doomed-s").get() != null, "doomed Secret written");
    String instUid = inst.at("/metadata/uid").asText();
    String bindUid = bind.at("/metadata/uid").asText();
    createdUids.put(instUid, inst.at("/spec/externalID").asText());
    createdUids.put(bindUid, bind.at("/spec/externalID").asText());
    abandonedUids.addAll(List.of(instUid, bindUid));

    doomed.close(); // for good
    delete("servicebindings", "doomed-b");
    delete("serviceinstances", "doomed-i");
    // stuck: unbind cannot reach the broker, and deprovision waits for the binding
    sleep(Duration.ofSeconds(5));
    assertTrue(get("/namespaces/" + NS + "/servicebindings/doomed-b") != null, "the binding is stuck");
    assertTrue(get("/namespaces/" + NS + "/serviceinstances/doomed-i") != null, "the instance is stuck");

    String abandon = "{\"metadata\":{\"annotations\":{\"servicecatalog.k8s.io/abandon\":\"true\"}}}";
    for (String path : List.of("/namespaces/" + NS + "/servicebindings/doomed-b", "/namespaces/" + NS + "/serviceinstances/doomed-i")) {
      HttpResponse<String> r = catalog("PATCH", path, abandon, "application/merge-patch+json");
      assertEquals(200, r.statusCode(), "abandon " + path + ": " + r.body());
    }
    assertTrue(awaitGone("servicebindings", "doomed-b"), "abandoned binding gone");
    assertTrue(awaitGone("serviceinstances", "doomed-i"), "abandoned instance gone");
    assertTrue(awaitQuietly(Duration.ofSeconds(60), () -> kube.secrets().inNamespace(NS).withName("doomed-s").get() == null),
        "the abandoned binding's Secret is removed");
    assertTrue(awaitQuietly(Duration.ofSeconds(60), () -> runningOperations(Set.of(instUid, bindUid)) == 0),
        "no gateway operation keeps calling the gone broker for abandoned resources");
    HttpResponse<String> r = catalog("DELETE", "/clusterservicebrokers/doomed-broker", null, null);
    assertEquals(200, r.statusCode(), r.body());
    say("broker gone for good: binding and instance abandoned, Secret removed, no operation left running");
  }

  // ------------------------------------------------------------------ invariants

  static boolean catalogMatchesBroker() {
    try {
      return differences().isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  /** What differs between catalog-api and the broker's truth (empty when they agree). */
  static List<String> differences() throws Exception {
    List<String> d = new ArrayList<>();
    Map<String, String> catalogInstances = externalIds("/serviceinstances");
    Map<String, String> catalogBindings = externalIds("/servicebindings");
    Set<String> brokerInstances = broker.instancePlans().keySet();
    Set<String> brokerBindings = broker.bindings().keySet();
    if (!new HashSet<>(catalogInstances.values()).equals(brokerInstances)) {
      d.add("instances: catalog " + catalogInstances + " vs broker " + brokerInstances);
    }
    if (!new HashSet<>(catalogBindings.values()).equals(brokerBindings)) {
      d.add("bindings: catalog " + catalogBindings + " vs broker " + brokerBindings);
    }
    if (!catalogInstances.keySet().equals(keptInstances)) {
      d.add("instances left in the catalog " + catalogInstances.keySet() + " vs kept " + keptInstances);
    }
    if (!catalogBindings.keySet().equals(keptBindings)) {
      d.add("bindings left in the catalog " + catalogBindings.keySet() + " vs kept " + keptBindings);
    }
    return d;
  }

  /** name -> spec.externalID of every object of a kind in the catalog. */
  static Map<String, String> externalIds(String collection) throws Exception {
    HttpResponse<String> r = catalog("GET", collection, null, null);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + collection + " -> " + r.statusCode());
    }
    Map<String, String> m = new TreeMap<>();
    for (JsonNode item : JSON.readTree(r.body()).path("items")) {
      m.put(item.at("/metadata/name").asText(), item.at("/spec/externalID").asText());
    }
    return m;
  }

  static void checkInvariants() throws Exception {
    // 1. catalog == broker: no orphan at the broker, nothing the catalog has that the broker lacks
    List<String> diff = differences();
    check("catalog instances and bindings == broker's", diff.isEmpty(), diff.toString());

    // 2. nothing created twice: checked with the audit trail below (step 4)

    // 3. Secrets: each belongs to an existing binding and holds the broker's credentials
    Map<String, JsonNode> bindingsByUid = new HashMap<>();
    for (JsonNode b : JSON.readTree(catalog("GET", "/servicebindings", null, null).body()).path("items")) {
      bindingsByUid.put(b.at("/metadata/uid").asText(), b);
    }
    Map<String, FaultyBroker.Binding> truth = broker.bindings();
    Set<String> bindingsWithSecret = new HashSet<>();
    for (Secret s : kube.secrets().inNamespace(NS).list().getItems()) {
      Map<String, String> labels = s.getMetadata().getLabels();
      String uid = labels == null ? null : labels.get(SECRET_LABEL_UID);
      if (uid == null) {
        continue; // not a binding's (the broker's auth Secret)
      }
      JsonNode b = bindingsByUid.get(uid);
      boolean owned = b != null && s.getMetadata().getName().equals(b.at("/spec/secretName").asText());
      check("Secret belongs to an existing binding", owned, "Secret " + s.getMetadata().getName() + " of binding uid " + uid);
      if (owned) {
        bindingsWithSecret.add(uid);
        FaultyBroker.Binding t = truth.get(b.at("/spec/externalID").asText());
        check("Secret holds the broker's credentials",
            t != null && decode(s).entrySet().containsAll(t.credentials().entrySet()), "Secret " + s.getMetadata().getName());
      }
    }
    bindingsByUid.forEach((uid, b) -> check("binding has its Secret", bindingsWithSecret.contains(uid),
        "binding " + b.at("/metadata/name").asText()));

    // 4. the audit trail, and with it: nothing created twice
    checkAuditTrail(bindingsByUid.keySet(), instanceUids());
    checkNothingCreatedTwice();

    // 5. nothing still running at the gateway
    int running = runningOperations(null);
    check("no gateway operation left running", running == 0, running + " operations not finished");
  }

  /**
   * An id is created at the broker again only after an orphan-mitigation DELETE. That happens when
   * the first creation's answer was sent but died with a killed broker-gateway before it was
   * recorded: the platform cannot know the outcome, so the spec has it delete and try again. Any
   * other deletion between two creations (a deprovision or unbind the platform meant) followed by
   * a new creation would be an instance provisioned twice. A deletion whose request never reached
   * the audit trail (the gateway died right after sending it) can only be orphan mitigation too:
   * the suite never deletes an object and creates it again under the same id.
   */
  static void checkNothingCreatedTwice() {
    int againAfterMitigation = 0;
    for (Map.Entry<String, List<String>> e : broker.history().entrySet()) {
      String kind = e.getKey().startsWith("instance") ? "instance" : "binding";
      boolean created = false;
      String deletedBy = null;
      for (String entry : e.getValue()) {
        String[] step = entry.split(" ", 2);
        if (step[0].equals("deleted")) {
          deletedBy = step[1];
          continue;
        }
        if (created) {
          String operation = deletedBy == null ? null : OPERATION_BY_IDENTITY.get(deletedBy);
          boolean mitigation = deletedBy != null && (operation == null || operation.startsWith("OrphanMitigationDelete"));
          check(kind + " created again only after orphan mitigation", mitigation,
              e.getKey() + ": " + e.getValue() + " (deleted by " + operation + ")");
          if (mitigation) {
            againAfterMitigation++;
          }
        }
        created = true;
        deletedBy = null;
      }
    }
    checks.put("ids created at the broker", broker.history().size());
    checks.put("created again after orphan mitigation (first answer lost with a killed gateway)", againAfterMitigation);
  }

  /** The operation (ProvisionInstance, OrphanMitigationDeleteBinding...) of each audited OSB request. */
  static final Map<String, String> OPERATION_BY_IDENTITY = new ConcurrentHashMap<>();

  static Set<String> instanceUids() throws Exception {
    Set<String> uids = new HashSet<>();
    for (JsonNode i : JSON.readTree(catalog("GET", "/serviceinstances", null, null).body()).path("items")) {
      uids.add(i.at("/metadata/uid").asText());
    }
    return uids;
  }

  static void checkAuditTrail(Set<String> existingBindingUids, Set<String> existingInstanceUids) throws Exception {
    Map<String, List<JsonNode>> byUid = new HashMap<>();
    Map<String, Integer> types = new TreeMap<>();
    int osbCalls = 0;
    int redelivered = 0;
    int refusedWrites = 0;
    Set<String> seen = new HashSet<>();
    for (JsonNode e : readTopic(Topics.AUDIT)) {
      String type = e.path("type").asText();
      // at-least-once delivery: the same event (same id) again after a crash is not a second change
      if (!seen.add(e.path("id").asText())) {
        redelivered++;
        continue;
      }
      if (type.endsWith(".write-refused")) {
        // a refused request (e.g. a retried create answered 409): audited, but no state change
        refusedWrites++;
        types.merge(type, 1, Integer::sum);
        continue;
      }
      types.merge(type, 1, Integer::sum);
      JsonNode data = e.path("data");
      if (type.equals("io.servicecatalog.osb.call")) {
        osbCalls++;
        String identity = data.path("requestIdentity").asText("");
        check("OSB call event names its request identity", !identity.isEmpty(), e.toString());
        OPERATION_BY_IDENTITY.put(identity, data.path("operation").asText(""));
        if (!data.path("httpStatus").isNull() && !data.path("httpStatus").isMissingNode()) {
          int status = data.path("httpStatus").asInt();
          boolean answered = broker.calls(identity).stream().anyMatch(c -> c.status() == status
              && c.method().equals(data.path("method").asText()));
          // calls to the doomed broker are not in this broker's log
          boolean doomed = data.path("broker").asText().equals("doomed-broker");
          check("OSB call event matches a request the broker answered", answered || doomed,
              data.path("method").asText() + " " + data.path("path").asText() + " -> " + status + " (" + identity + ")");
        }
        continue;
      }
      String kind = data.path("kind").asText();
      if (kind.equals("ServiceInstance") || kind.equals("ServiceBinding")) {
        byUid.computeIfAbsent(data.path("uid").asText(), k -> new ArrayList<>()).add(e);
      }
    }
    checks.put("audit events read", types.values().stream().mapToInt(Integer::intValue).sum());
    say("audit events by type: " + types);

    Map<String, Integer> instCreated = broker.instanceCreations();
    Map<String, Integer> bindCreated = broker.bindingCreations();
    Set<String> brokerInstances = broker.instancePlans().keySet();
    Set<String> brokerBindings = broker.bindings().keySet();
    for (Map.Entry<String, List<JsonNode>> en : byUid.entrySet()) {
      String uid = en.getKey();
      String externalId = createdUids.get(uid);
      check("audit event is about an object the suite created", externalId != null, "uid " + uid);
      if (externalId == null) {
        continue;
      }
      boolean doomed = abandonedUids.contains(uid);
      boolean exists = existingBindingUids.contains(uid) || existingInstanceUids.contains(uid);
      Map<String, Integer> n = new HashMap<>();
      en.getValue().forEach(e -> n.merge(e.path("type").asText().replaceFirst("^io\\.servicecatalog\\.(instance|binding)\\.", ""), 1, Integer::sum));
      check("created exactly once", n.getOrDefault("created", 0) == 1, uid + " " + n);
      check("deleted exactly once iff gone", n.getOrDefault("deleted", 0) == (exists ? 0 : 1), uid + " " + n);
      check("abandoned only when abandoned", n.containsKey("abandoned") == doomed, uid + " " + n);
      if (doomed) {
        continue;
      }
      if (n.containsKey("provisioned")) {
        check("provisioned event: the broker created it", instCreated.getOrDefault(externalId, 0) >= 1, uid);
      }
      if (n.containsKey("deprovisioned")) {
        check("deprovisioned event: the broker no longer has it", !brokerInstances.contains(externalId), uid);
      }
      if (n.containsKey("bound")) {
        check("bound event: the broker created it", bindCreated.getOrDefault(externalId, 0) >= 1, uid);
      }
      if (n.containsKey("unbound")) {
        check("unbound event: the broker no longer has it", !brokerBindings.contains(externalId), uid);
      }
      check("secret-deleted at most once (repeated confirmations are no state change)",
          n.getOrDefault("secret-deleted", 0) <= 1, uid + " " + n);
      if (n.containsKey("secret-written")) {
        check("secret-written event: after a bound event", n.containsKey("bound"), uid + " " + n);
      }
      if (existingInstanceUids.contains(uid)) {
        check("existing instance has its provisioned event", n.containsKey("provisioned"), uid + " " + n);
      }
      if (existingBindingUids.contains(uid)) {
        check("existing binding has its bound and secret-written events",
            n.containsKey("bound") && n.containsKey("secret-written"), uid + " " + n);
      }
    }
    for (String uid : createdUids.keySet()) {
      check("every object the suite created has audit events", byUid.containsKey(uid), uid);
    }
    checks.put("OSB call events", osbCalls);
    checks.put("audit events delivered again (same id)", redelivered);
    checks.put("refused writes audited", refusedWrites);
  }

  static void check(String invariant, boolean holds, String detail) {
    synchronized (checks) {
      checks.merge(invariant, 1, Integer::sum);
    }
    if (!holds) {
      violations.add(invariant + ": " + detail);
    }
  }

  /** Gateway operations not in a final state (of the given resources, or all when null). */
  static int runningOperations(Set<String> uids) {
    try (Connection c = postgres.connect(stack.databaseName());
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT resource_uid FROM broker_gateway.operations WHERE state NOT IN ('SUCCEEDED','FAILED','CANCELLED')")) {
      int n = 0;
      while (rs.next()) {
        if (uids == null || uids.contains(rs.getString(1))) {
          n++;
        }
      }
      return n;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("could not read the gateway's operations: " + e.getMessage(), e);
    }
  }

  static List<JsonNode> readTopic(String topic) throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", stack.kafkaBootstrap());
    p.put("group.id", "fault-suite-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    List<JsonNode> out = new ArrayList<>();
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(p,
        new org.apache.kafka.common.serialization.StringDeserializer(),
        new org.apache.kafka.common.serialization.StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long quietSince = System.currentTimeMillis();
      while (System.currentTimeMillis() - quietSince < 5000) {
        var batch = consumer.poll(Duration.ofMillis(500));
        if (!batch.isEmpty()) {
          quietSince = System.currentTimeMillis();
        }
        for (var r : batch) {
          out.add(JSON.readTree(r.value()));
        }
      }
    }
    return out;
  }

  static void report(int lifecyclesStarted, double runSeconds, boolean settled, double settleSeconds) {
    StringBuilder b = new StringBuilder();
    String nl = System.lineSeparator();
    b.append(nl).append("==================== fault suite ====================").append(nl);
    b.append(String.format(Locale.ROOT, " lifecycles: %d started, concurrency %d, %.0f s under faults, settled %s in %.0f s%n",
        Math.max(lifecyclesStarted - CONCURRENCY, 0), CONCURRENCY, runSeconds, settled ? "yes" : "NO", settleSeconds));
    b.append(" lifecycle outcomes: ").append(snapshot(lifecycleOutcomes)).append(nl);
    b.append(" failed steps (before clean-up): ").append(snapshot(failureSteps)).append(nl);
    b.append(" faults injected: ").append(snapshot(faults)).append(nl);
    b.append(" catalog-api 5xx answers: ").append(snapshot(serverErrors)).append(nl);
    b.append(" OSB calls by outcome at the broker: ").append(broker.outcomeCounts()).append(nl);
    int instanceCreations = sum(broker.instanceCreations());
    int bindingCreations = sum(broker.bindingCreations());
    b.append(String.format(Locale.ROOT, " broker: %d instances, %d bindings now; %d instance and %d binding creations,"
            + " of which %d and %d unacknowledged (answer lost: orphan mitigation's to clean)%n",
        broker.instancePlans().size(), broker.bindings().size(), instanceCreations, bindingCreations,
        instanceCreations - sum(broker.instanceCreationsAcknowledged()),
        bindingCreations - sum(broker.bindingCreationsAcknowledged())));
    b.append(" invariant checks: ").append(checks).append(nl);
    b.append(" violations: ").append(violations.size()).append(nl);
    synchronized (violations) {
      violations.stream().limit(30).forEach(v -> b.append("   - ").append(v).append(nl));
    }
    b.append("=====================================================");
    System.out.println(b);
  }

  static int sum(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  static Map<String, Integer> snapshot(Map<String, AtomicInteger> m) {
    Map<String, Integer> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  // ------------------------------------------------------------------ HTTP and helpers

  /**
   * Every request the suite makes to catalog-api goes through here (one place to add
   * authentication once catalog-api requires it).
   */
  static HttpResponse<String> catalog(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + stack.adminToken());
    if (body != null) {
      b.header("Content-Type", contentType != null ? contentType : "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 500) {
      String reason = "";
      try {
        reason = JSON.readTree(r.body()).path("reason").asText("");
      } catch (IOException notStatus) {
        reason = "(not a Status)";
      }
      count(serverErrors, r.statusCode() + " " + reason);
    }
    return r;
  }

  /** {@link #catalog} with null for "catalog-api not reachable right now" (it may have been killed). */
  static HttpResponse<String> catalogQuietly(String method, String path, String body) {
    try {
      return catalog(method, path, body, null);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static JsonNode get(String path) {
    HttpResponse<String> r = catalogQuietly("GET", path, null);
    if (r == null || r.statusCode() != 200) {
      return null;
    }
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      return null;
    }
  }

  static String condition(JsonNode o, String type) {
    for (JsonNode c : o.at("/status/conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return null;
  }

  static void register(FaultyBroker b, String name) throws Exception {
    String secret = name + "-auth";
    kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(secret).endMetadata()
        .addToStringData("username", FaultyBroker.USERNAME).addToStringData("password", FaultyBroker.PASSWORD)
        .build()).create();
    HttpResponse<String> r = catalog("POST", "/clusterservicebrokers", """
        {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ClusterServiceBroker","metadata":{"name":"%s"},
         "spec":{"url":"%s","authInfo":{"basic":{"secretRef":{"namespace":"%s","name":"%s"}}}}}"""
        .formatted(name, b.url(), NS, secret), null);
    assertEquals(201, r.statusCode(), r.body());
    assertTrue(awaitQuietly(STEP, () -> {
      JsonNode o = get("/clusterservicebrokers/" + name);
      return o != null && "True".equals(condition(o, "Ready"));
    }), name + " Ready");
    assertTrue(awaitQuietly(STEP, () -> {
      HttpResponse<String> p = catalogQuietly("GET", "/clusterserviceclasses", null);
      return p != null && p.body().contains(b.serviceName());
    }), "class of " + name + " listed");
  }

  static boolean awaitQuietly(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return true;
        }
      } catch (RuntimeException ignored) {
        // not reachable right now
      }
      Thread.sleep(250);
    }
    return false;
  }

  static Map<String, String> decode(Secret s) {
    Map<String, String> out = new TreeMap<>();
    if (s.getData() != null) {
      s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    return out;
  }

  static void count(Map<String, AtomicInteger> m, String key) {
    m.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  static void say(String line) {
    System.out.println("[fault-suite] " + line);
  }
}
