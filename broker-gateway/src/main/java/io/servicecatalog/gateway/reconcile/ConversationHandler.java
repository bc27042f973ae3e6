package io.servicecatalog.gateway.reconcile;

import io.servicecatalog.gateway.k8s.BrokerAuth;
import io.servicecatalog.gateway.osb.OsbClient;
import io.servicecatalog.gateway.osb.OsbHeaders;
import io.servicecatalog.gateway.osb.OsbOutcome;
import io.servicecatalog.gateway.osb.OsbOutcome.Kind;
import io.servicecatalog.gateway.osb.OsbOutcomes;
import io.servicecatalog.gateway.osb.OsbPaths;
import io.servicecatalog.gateway.osb.OsbRequest;
import io.servicecatalog.gateway.osb.OsbResponse;
import io.servicecatalog.gateway.osb.OsbTransportException;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationRecord.AfterOrphanMitigation;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * What provision/deprovision and bind/unbind have in common: sending with the row's broker,
 * polling last_operation, failing a create with or without orphan mitigation, and running the
 * orphan-mitigation DELETE (and its polling) until the broker confirms.
 */
abstract class ConversationHandler implements OperationHandler {
  private static final Logger LOG = Logger.getLogger(ConversationHandler.class);

  final StepSupport support;
  final OsbClient osb;

  ConversationHandler(StepSupport support, OsbClient osb) {
    this.support = support;
    this.osb = osb;
  }

  /** Path of the instance or binding itself (PUT/DELETE/GET), encoded. */
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
        new OsbRequest(action, method, pathAndQuery, body, originatingIdentity, op.requestIdentity, op.subject());
    return support
        .endpoint(op)
        .flatMap(endpoint -> osb.send(endpoint, request))
        .map(classify)
        .onFailure(OsbTransportException.class)
        .recoverWithItem(e -> noAnswer.apply((OsbTransportException) e))
        .onFailure(BrokerAuth.AuthException.class)
        .recoverWithItem(e -> authFailure(op, e));
  }

  static OsbOutcome authFailure(OperationRecord op, Throwable e) {
    return new OsbOutcome(Kind.FAILED, false, false, Reasons.ERROR_AUTH_CREDENTIALS,
        "Error getting broker auth credentials for broker \"" + op.brokerName + "\": " + e.getMessage(),
        null, op.requestIdentity, null, null, null, null, null, null);
  }

  Map<String, String> pollQuery(OperationRecord op) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put(OsbHeaders.SERVICE_ID, op.serviceId);
    q.put(OsbHeaders.PLAN_ID, op.planId);
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
        e -> pollTransport(e));
  }

  static OsbOutcome pollTransport(OsbTransportException e) {
    return new OsbOutcome(Kind.POLL_AGAIN, false, false, null, e.getMessage(), null, e.requestIdentity(),
        null, null, null, null, null, null);
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

  // --- failing a create (provision / bind) -----------------------------------------------

  /**
   * A provision or bind failed. With orphan mitigation the row moves to ORPHAN_MITIGATION (the
   * DELETE is the next step) and remembers whether to retry or fail afterwards; without, it is
   * retried later or ends FAILED.
   */
  Uni<Step> failCreate(OperationRecord op, boolean terminal, boolean orphanMitigation, String reason, String message) {
    op.reason = reason;
    op.message = message;
    op.terminal = terminal;
    OperationResult r = support.result(op, Outcome.FAILED, reason, message);
    r.terminal = terminal;
    if (orphanMitigation) {
      op.state = OperationState.ORPHAN_MITIGATION;
      op.omThen = terminal ? AfterOrphanMitigation.FAIL : AfterOrphanMitigation.RETRY;
      op.nextAttemptAt = Instant.now();
      r.orphanMitigationInProgress = true;
      r.message = message + "; starting orphan mitigation";
    } else if (terminal) {
      support.finish(op, OperationState.FAILED);
    } else {
      support.retryLater(op);
    }
    return support.publish(r).replaceWith(Step.of(op));
  }

  /** Starts orphan mitigation without reporting (the resource is gone: nobody to tell). */
  Step orphanMitigationForGone(OperationRecord op, String why) {
    LOG.infof("%s: %s; the broker may hold what an earlier attempt created, so it gets a DELETE",
        op.subject(), why);
    op.state = OperationState.ORPHAN_MITIGATION;
    op.omThen = AfterOrphanMitigation.CANCEL;
    op.message = why;
    op.nextAttemptAt = Instant.now();
    return Step.of(op);
  }

  // --- orphan mitigation -----------------------------------------------------------------

  Uni<Step> orphanMitigation(OperationRecord op) {
    if (support.retriesExpired(op)) {
      return giveUpOrphanMitigation(op);
    }
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
                  support.startPolling(op, OperationState.OM_POLLING, o.operation(), null);
                  yield Uni.createFrom().item(Step.of(op));
                }
                default -> {
                  LOG.warnf("%s: orphan-mitigation DELETE failed (%s); retrying", op.subject(), o.message());
                  op.nextAttemptAt = Instant.now().plus(support.retryDelay(op.attempts));
                  yield Uni.createFrom().item(Step.of(op));
                }
              };
            });
  }

  Uni<Step> pollOrphanMitigation(OperationRecord op) {
    if (support.pollingExpired(op)) {
      op.state = OperationState.ORPHAN_MITIGATION;
      op.operationToken = null;
      op.nextAttemptAt = Instant.now().plus(support.retryDelay(op.attempts));
      return Uni.createFrom().item(Step.of(op));
    }
    return pollOnce(op, true, Reasons.ORPHAN_MITIGATION, null)
        .flatMap(
            o -> {
              op.httpStatus = o.httpStatus();
              return switch (o.kind()) {
                case DONE -> orphanMitigationDone(op);
                case FAILED -> {
                  op.state = OperationState.ORPHAN_MITIGATION;
                  op.operationToken = null;
                  op.nextAttemptAt = Instant.now().plus(support.retryDelay(op.attempts));
                  yield Uni.createFrom().item(Step.of(op));
                }
                default -> {
                  support.pollAgain(op, o.retryAfter());
                  yield Uni.createFrom().item(Step.of(op));
                }
              };
            });
  }

  private Uni<Step> orphanMitigationDone(OperationRecord op) {
    op.operationToken = null;
    AfterOrphanMitigation then = op.omThen == null ? AfterOrphanMitigation.RETRY : op.omThen;
    op.omThen = null;
    LOG.infof("%s: orphan mitigation done (%s)", op.subject(), then);
    switch (then) {
      case CANCEL -> {
        support.cancel(op, "orphan mitigation done after the resource went away");
        return Uni.createFrom().item(Step.of(op));
      }
      case FAIL -> {
        support.finish(op, OperationState.FAILED);
        op.terminal = true;
        OperationResult r = support.result(op, Outcome.FAILED, Reasons.ORPHAN_MITIGATION_SUCCESSFUL,
            "Orphan mitigation was completed successfully; the " + noun() + " request failed: " + op.message);
        r.terminal = true;
        r.orphanMitigationInProgress = false;
        return support.publish(r).replaceWith(Step.of(op));
      }
      default -> {
        support.retryLater(op);
        OperationResult r = support.result(op, Outcome.FAILED, Reasons.ORPHAN_MITIGATION_SUCCESSFUL,
            "Orphan mitigation was completed successfully; the " + noun() + " request will be retried: " + op.message);
        r.terminal = false;
        r.orphanMitigationInProgress = false;
        return support.publish(r).replaceWith(Step.of(op));
      }
    }
  }

  private Uni<Step> giveUpOrphanMitigation(OperationRecord op) {
    LOG.errorf("%s: orphan mitigation gave up after %s; the broker may keep an orphan", op.subject(),
        support.config.retry().maxDuration());
    if (op.omThen == AfterOrphanMitigation.CANCEL) {
      support.cancel(op, "orphan mitigation gave up");
      return Uni.createFrom().item(Step.of(op));
    }
    support.finish(op, OperationState.FAILED);
    op.terminal = true;
    OperationResult r = support.result(op, Outcome.FAILED, StepSupport.RETRY_TIMEOUT,
        "Orphan mitigation did not succeed within " + support.config.retry().maxDuration() + "; " + op.message);
    r.terminal = true;
    r.orphanMitigationInProgress = false;
    return support.publish(r).replaceWith(Step.of(op));
  }

  /** Fails the operation for good once its retry window has passed. */
  Uni<Step> retriesExhausted(OperationRecord op) {
    op.terminal = true;
    op.reason = StepSupport.RETRY_TIMEOUT;
    op.message = "Gave up after " + support.config.retry().maxDuration() + (op.message == null ? "" : "; last error: " + op.message);
    support.finish(op, OperationState.FAILED);
    OperationResult r = support.result(op, Outcome.FAILED, op.reason, op.message);
    r.terminal = true;
    return support.publish(r).replaceWith(Step.of(op));
  }

  /** A non-terminal failure before anything was sent (missing references, no broker url...). */
  Uni<Step> retryWithReport(OperationRecord op, String reason, String message) {
    op.reason = reason;
    op.message = message;
    op.attempts++;
    support.retryLater(op);
    OperationResult r = support.result(op, Outcome.FAILED, reason, message);
    r.terminal = false;
    return support.publish(r).replaceWith(Step.of(op));
  }

  static boolean leased(OperationRecord other) {
    return other.leaseUntil != null && other.leaseUntil.isAfter(Instant.now());
  }

  /** Another operation of the same resource is under way at the broker (or being sent now). */
  static boolean busy(OperationRecord other) {
    return other != null && other.state.active() && (other.state != OperationState.PENDING || leased(other));
  }
}
