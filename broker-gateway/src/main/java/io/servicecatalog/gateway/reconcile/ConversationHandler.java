package io.servicecatalog.gateway.reconcile;

import io.servicecatalog.gateway.k8s.BrokerAuth;
import io.servicecatalog.gateway.osb.OsbHeaders;
import io.servicecatalog.gateway.osb.OsbOutcome;
import io.servicecatalog.gateway.osb.OsbOutcome.Kind;
import io.servicecatalog.gateway.osb.OsbOutcomes;
import io.servicecatalog.gateway.osb.OsbPaths;
import io.servicecatalog.gateway.osb.OsbRequest;
import io.servicecatalog.gateway.osb.OsbResponse;
import io.servicecatalog.gateway.osb.OsbTransportException;
import io.servicecatalog.gateway.params.ParametersException;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationRecord.AfterOrphanMitigation;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * What instance and binding operations have in common: sending with the row's broker, polling
 * last_operation, failing a create with or without orphan mitigation, running the
 * orphan-mitigation DELETE (and its polling) until the broker confirms, and the "request sent,
 * outcome never recorded" case (SENT found by another process).
 */
abstract class ConversationHandler implements OperationHandler {
  private static final Logger LOG = Logger.getLogger(ConversationHandler.class);

  final StepSupport support;

  ConversationHandler(StepSupport support) {
    this.support = support;
  }

  /** Path of the instance or binding itself (PUT/PATCH/DELETE/GET), encoded. */
  abstract String resourcePath(OperationRecord op);

  /** Path of its last_operation endpoint, encoded. */
  abstract String lastOperationPath(OperationRecord op);

  /** "instance" or "binding", for messages and metric names. */
  abstract String noun();

  String action(String verb) {
    return verb + ("instance".equals(noun()) ? "Instance" : "Binding");
  }

  // --- sending ---------------------------------------------------------------------------

  /** Sends with the row's broker; no answer, or unreadable auth, become outcomes too. */
  Uni<OsbOutcome> send(
      OperationRecord op,
      String action,
      String method,
      String pathAndQuery,
      Object body,
      String originatingIdentity,
      Function<OsbResponse, OsbOutcome> classify,
      Function<OsbTransportException, OsbOutcome> noAnswer) {
    OsbRequest request =
        new OsbRequest(action, method, pathAndQuery, body, originatingIdentity, op.requestIdentity, op.subject(), op.resourceUid);
    return support
        .send(op, request)
        .map(classify)
        .onFailure(OsbTransportException.class)
        .recoverWithItem(e -> noAnswer.apply((OsbTransportException) e))
        .onFailure(BrokerAuth.AuthException.class)
        .recoverWithItem(e -> authFailure(op, e));
  }

  static OsbOutcome authFailure(OperationRecord op, Throwable e) {
    return OsbOutcome.failed(null, op.requestIdentity, false, false, Reasons.ERROR_AUTH_CREDENTIALS,
        "Error getting broker auth credentials for broker \"" + op.brokerName + "\": " + e.getMessage());
  }

  /** The plan to poll with: while an update is polled, the plan the instance had before (spec). */
  static String pollPlanId(OperationRecord op) {
    return op.operation == Operation.UPDATE && op.previousPlanId != null ? op.previousPlanId : op.planId;
  }

  Map<String, String> pollQuery(OperationRecord op) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put(OsbHeaders.SERVICE_ID, op.serviceId);
    q.put(OsbHeaders.PLAN_ID, pollPlanId(op));
    q.put(OsbHeaders.OPERATION, op.operationToken);
    return q;
  }

  Map<String, String> deleteQuery(OperationRecord op) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put(OsbHeaders.ACCEPTS_INCOMPLETE, "true");
    q.put(OsbHeaders.SERVICE_ID, op.serviceId);
    q.put(OsbHeaders.PLAN_ID, op.planId);
    return q;
  }

  static Map<String, String> acceptsIncomplete() {
    Map<String, String> q = new LinkedHashMap<>();
    q.put(OsbHeaders.ACCEPTS_INCOMPLETE, "true");
    return q;
  }

  /** One last_operation request for the row's current token. */
  Uni<OsbOutcome> pollOnce(OperationRecord op, boolean deleting, String failureReason, String originatingIdentity) {
    support.newRequest(op);
    return send(
        op,
        "PollLastOperation" + ("instance".equals(noun()) ? "" : "Binding"),
        "GET",
        lastOperationPath(op) + OsbPaths.query(pollQuery(op)),
        null,
        originatingIdentity,
        r -> OsbOutcomes.poll(op.brokerName, r, deleting, failureReason),
        ConversationHandler::pollTransport);
  }

  static OsbOutcome pollTransport(OsbTransportException e) {
    return OsbOutcome.pollAgain(null, e.requestIdentity(), null, null, e.getMessage());
  }

  /** Reschedules a poll and reports progress when the broker's description changed. */
  Step keepPolling(OperationRecord op, OsbOutcome o, String progressReason) {
    op.httpStatus = o.httpStatus();
    support.pollAgain(op, o.retryAfter());
    String d = o.description();
    if (d != null && !d.equals(op.lastDescription)) {
      op.lastDescription = d;
      OperationResult r = support.result(op, Outcome.IN_PROGRESS, progressReason, d);
      r.asyncOpInProgress = true;
      r.lastOperation = op.operationToken;
      return Step.of(op, r);
    }
    return Step.of(op);
  }

  // --- failing a create (provision / bind / rotation) ------------------------------------

  /**
   * A provision, bind or rotation failed. With orphan mitigation the row moves to
   * ORPHAN_MITIGATION (the DELETE is the next step) and remembers whether to retry or fail
   * afterwards; without, it is retried later or ends FAILED.
   */
  Uni<Step> failCreate(OperationRecord op, boolean terminal, boolean orphanMitigation, String reason, String message) {
    OperationResult r = support.result(op, Outcome.FAILED, reason, message);
    r.terminal = terminal;
    if (orphanMitigation) {
      r.orphanMitigationInProgress = true;
      r.message = message + "; starting orphan mitigation";
    }
    return support.publish(r).map(v -> {
      op.reason = reason;
      op.message = message;
      op.terminal = terminal;
      if (orphanMitigation) {
        startOrphanMitigation(op, terminal ? AfterOrphanMitigation.FAIL : AfterOrphanMitigation.RETRY);
      } else if (terminal) {
        support.finish(op, OperationState.FAILED);
      } else {
        support.retryLater(op);
      }
      return Step.of(op);
    });
  }

  void startOrphanMitigation(OperationRecord op, AfterOrphanMitigation then) {
    op.state = OperationState.ORPHAN_MITIGATION;
    op.omThen = then;
    op.operationToken = null;
    op.lastDescription = null;
    op.nextAttemptAt = Instant.now();
  }

  /** Starts orphan mitigation without reporting (the resource is gone: nobody to tell). */
  Step orphanMitigationForGone(OperationRecord op, String why) {
    LOG.infof("%s: %s; the broker may hold what an earlier attempt created, so it gets a DELETE", op.subject(), why);
    startOrphanMitigation(op, AfterOrphanMitigation.CANCEL);
    op.message = why;
    return Step.of(op);
  }

  /**
   * A create request was on the wire when the process that sent it stopped (or could not
   * record the answer): the broker may or may not have created it. Spec: the platform's own
   * failure calls for orphan mitigation; the request is sent again afterwards.
   */
  Uni<Step> createOutcomeUnknown(OperationRecord op, String failureReason) {
    String message = "The gateway could not record the broker's answer to the " + describe(op.operation)
        + " request (request identity " + op.requestIdentity + ")";
    LOG.warnf("%s: %s; orphan mitigation, then the request is sent again", op.subject(), message);
    OperationResult r = support.result(op, Outcome.FAILED, failureReason, message + "; starting orphan mitigation");
    r.terminal = false;
    r.orphanMitigationInProgress = true;
    op.reason = failureReason;
    op.message = message;
    startOrphanMitigation(op, AfterOrphanMitigation.RETRY);
    return Uni.createFrom().item(Step.of(op, r));
  }

  static String describe(Operation o) {
    return switch (o) {
      case PROVISION -> "provision";
      case BIND -> "bind";
      case ROTATE_BINDING -> "rotation bind";
      case UPDATE -> "update";
      case DEPROVISION -> "deprovision";
      case UNBIND, UNBIND_PREDECESSOR -> "unbind";
      default -> o.name().toLowerCase();
    };
  }

  // --- orphan mitigation -----------------------------------------------------------------

  /**
   * The orphan-mitigation DELETE. It is sent until the broker confirms (200, 410, or a 202
   * polled to success), with backoff and without a deadline: the spec asks the platform to keep
   * trying. Each new kind of failure is reported while the OrphanMitigation condition stands.
   */
  Uni<Step> orphanMitigation(OperationRecord op) {
    op.attempts++;
    support.newRequest(op);
    // No originating identity: orphan mitigation is the platform's own doing (spec allows it).
    return send(op, action("OrphanMitigationDelete"), "DELETE", resourcePath(op) + OsbPaths.query(deleteQuery(op)), null, null,
            r -> OsbOutcomes.deprovision(op.brokerName, r),
            e -> OsbOutcomes.transport(e, false, Reasons.ORPHAN_MITIGATION))
        .flatMap(
            o -> {
              op.httpStatus = o.httpStatus();
              return switch (o.kind()) {
                case DONE -> orphanMitigationDone(op);
                case ACCEPTED -> {
                  // Within the plan's maximum_polling_duration (kept from the create) and the platform's maximum.
                  support.startPolling(op, OperationState.OM_POLLING, o.operation(), op.maxPollingSeconds);
                  yield Uni.createFrom().item(Step.of(op));
                }
                default -> Uni.createFrom().item(orphanMitigationFailed(op, o.message()));
              };
            });
  }

  private Step orphanMitigationFailed(OperationRecord op, String why) {
    Duration delay = support.retryDelay(op.attempts);
    op.state = OperationState.ORPHAN_MITIGATION;
    op.operationToken = null;
    op.nextAttemptAt = Instant.now().plus(delay);
    LOG.warnf("%s: orphan-mitigation DELETE failed (%s); trying again in %d ms", op.subject(), why, delay.toMillis());
    if (op.omThen == AfterOrphanMitigation.CANCEL || why == null || why.equals(op.lastDescription)) {
      return Step.of(op);
    }
    op.lastDescription = why;
    OperationResult r = support.result(op, Outcome.FAILED,
        "instance".equals(noun()) ? Reasons.ORPHAN_MITIGATION_FAILED : Reasons.BINDING_ORPHAN_MITIGATION,
        "Orphan mitigation (DELETE of what the failed " + describe(op.operation) + " may have left) did not succeed yet: " + why
            + "; it is tried again until the broker confirms");
    r.terminal = false;
    r.orphanMitigationInProgress = true;
    return Step.of(op, r);
  }

  Uni<Step> pollOrphanMitigation(OperationRecord op) {
    if (support.pollingExpired(op)) {
      return Uni.createFrom().item(orphanMitigationFailed(op, "the broker did not finish the DELETE in time"));
    }
    return pollOnce(op, true, Reasons.ORPHAN_MITIGATION, null)
        .flatMap(
            o -> {
              op.httpStatus = o.httpStatus();
              return switch (o.kind()) {
                case DONE -> orphanMitigationDone(op);
                case FAILED -> Uni.createFrom().item(orphanMitigationFailed(op, o.message()));
                default -> {
                  support.pollAgain(op, o.retryAfter());
                  yield Uni.createFrom().item(Step.of(op));
                }
              };
            });
  }

  private Uni<Step> orphanMitigationDone(OperationRecord op) {
    AfterOrphanMitigation then = op.omThen == null ? AfterOrphanMitigation.RETRY : op.omThen;
    LOG.infof("%s: orphan mitigation done (%s)", op.subject(), then);
    switch (then) {
      case CANCEL -> {
        op.operationToken = null;
        op.omThen = null;
        support.cancel(op, "orphan mitigation done after the resource went away");
        return Uni.createFrom().item(Step.of(op));
      }
      case FAIL -> {
        OperationResult r = support.result(op, Outcome.FAILED, Reasons.ORPHAN_MITIGATION_SUCCESSFUL,
            "Orphan mitigation was completed successfully; the " + describe(op.operation) + " request failed: " + op.message);
        r.terminal = true;
        r.orphanMitigationInProgress = false;
        return support.publish(r).map(v -> {
          op.operationToken = null;
          op.omThen = null;
          op.terminal = true;
          support.finish(op, OperationState.FAILED);
          return Step.of(op);
        });
      }
      default -> {
        OperationResult r = support.result(op, Outcome.FAILED, Reasons.ORPHAN_MITIGATION_SUCCESSFUL,
            "Orphan mitigation was completed successfully; the " + describe(op.operation) + " request will be retried: " + op.message);
        r.terminal = false;
        r.orphanMitigationInProgress = false;
        return support.publish(r).map(v -> {
          op.omThen = null;
          support.retryLater(op);
          return Step.of(op);
        });
      }
    }
  }

  /** Fails the operation for good once its retry window has passed. */
  Uni<Step> retriesExhausted(OperationRecord op) {
    String message = "Gave up after " + support.config().retry().maxDuration() + (op.message == null ? "" : "; last error: " + op.message);
    OperationResult r = support.result(op, Outcome.FAILED, StepSupport.RETRY_TIMEOUT, message);
    r.terminal = true;
    return support.publish(r).map(v -> {
      op.terminal = true;
      op.reason = StepSupport.RETRY_TIMEOUT;
      op.message = message;
      support.finish(op, OperationState.FAILED);
      return Step.of(op);
    });
  }

  /** A non-terminal failure before anything was sent (missing references, no broker url...). */
  Uni<Step> retryWithReport(OperationRecord op, String reason, String message) {
    OperationResult r = support.result(op, Outcome.FAILED, reason, message);
    r.terminal = false;
    return support.publish(r).map(v -> {
      op.reason = reason;
      op.message = message;
      op.attempts++;
      support.retryLater(op);
      return Step.of(op);
    });
  }

  /** A terminal failure before anything was sent (schema violation, plan not updatable...). */
  Uni<Step> failWithoutCall(OperationRecord op, String reason, String message) {
    OperationResult r = support.result(op, Outcome.FAILED, reason, message);
    r.terminal = true;
    return support.publish(r).map(v -> {
      op.reason = reason;
      op.message = message;
      op.terminal = true;
      support.finish(op, OperationState.FAILED);
      return Step.of(op);
    });
  }

  /** Parameters could not be built or violate the schema: no call is made. */
  Uni<Step> parametersFailed(OperationRecord op, ParametersException e) {
    return e.terminal() ? failWithoutCall(op, e.reason(), e.getMessage()) : retryWithReport(op, e.reason(), e.getMessage());
  }
}
