package io.servicecatalog.gateway.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.servicecatalog.gateway.events.ResultPublisher;
import io.servicecatalog.gateway.k8s.BrokerAuth;
import io.servicecatalog.gateway.osb.BrokerEndpoint;
import io.servicecatalog.gateway.osb.OsbHeaders;
import io.servicecatalog.gateway.osb.OsbOutcome;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.model.v1beta1.ServiceBrokerAuthInfo;
import io.servicecatalog.model.v1beta1.UserInfo;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/** What every handler shares: results, backoff, broker endpoint and identity headers. */
@ApplicationScoped
public class StepSupport {
  /** Reason when retries or polling ran out of time (the original's name). */
  public static final String RETRY_TIMEOUT = "ErrorReconciliationRetryTimeout";
  /** Reason when polling last_operation reached the maximum polling duration. */
  public static final String POLLING_TIMEOUT = "ErrorPollingLastOperation";

  final GatewayConfig config;
  final ResultPublisher results;
  final BrokerAuth brokerAuth;

  public StepSupport(GatewayConfig config, ResultPublisher results, BrokerAuth brokerAuth) {
    this.config = config;
    this.results = results;
    this.brokerAuth = brokerAuth;
  }

  // --- results ---------------------------------------------------------------------------

  public OperationResult result(OperationRecord op, Outcome outcome, String reason, String message) {
    OperationResult r =
        OperationResult.about(
                ResultPublisher.SOURCE, op.resourceKind, op.resourceNamespace, op.resourceName, op.resourceUid, op.generation)
            .op(op.operation, outcome, reason, message);
    r.requestIdentity = op.requestIdentity;
    r.httpStatus = op.httpStatus;
    return r;
  }

  public Uni<Void> publish(OperationResult r) {
    return results.publish(r);
  }

  // --- scheduling ------------------------------------------------------------------------

  /** Backoff before retry number {@code attempts} (1-based): initial doubling to max. */
  public Duration retryDelay(int attempts) {
    return doubling(config.retry().initialInterval(), config.retry().maxInterval(), Math.max(0, attempts - 1));
  }

  public static Duration doubling(Duration initial, Duration max, int doublings) {
    Duration d = initial;
    for (int i = 0; i < doublings && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  /** Starts polling: first poll after the initial interval; deadline from the plan or config. */
  public void startPolling(OperationRecord op, OperationState state, String token, Long maxPollingSeconds) {
    Instant now = Instant.now();
    op.state = state;
    op.operationToken = token;
    op.lastDescription = null;
    op.pollIntervalMs = config.polling().initialInterval().toMillis();
    op.nextAttemptAt = now.plus(config.polling().initialInterval());
    Duration max = maxPollingSeconds != null && maxPollingSeconds > 0 ? Duration.ofSeconds(maxPollingSeconds) : config.polling().maxDuration();
    op.pollDeadline = now.plus(max);
  }

  /** Next poll: the broker's Retry-After when given, else the doubled interval (capped). */
  public void pollAgain(OperationRecord op, Duration retryAfter) {
    long current = op.pollIntervalMs == null ? config.polling().initialInterval().toMillis() : op.pollIntervalMs;
    Duration wait;
    if (retryAfter != null) {
      wait = retryAfter;
    } else {
      long next = Math.min(current * 2, config.polling().maxInterval().toMillis());
      op.pollIntervalMs = Math.max(next, 1);
      wait = Duration.ofMillis(op.pollIntervalMs);
    }
    op.nextAttemptAt = Instant.now().plus(wait);
  }

  public boolean pollingExpired(OperationRecord op) {
    return op.pollDeadline != null && Instant.now().isAfter(op.pollDeadline);
  }

  public boolean retriesExpired(OperationRecord op) {
    return op.retryDeadline != null && Instant.now().isAfter(op.retryDeadline);
  }

  /** Retry the request later (state PENDING). */
  public void retryLater(OperationRecord op) {
    op.state = OperationState.PENDING;
    op.operationToken = null;
    op.nextAttemptAt = Instant.now().plus(retryDelay(op.attempts));
  }

  /**
   * Look again without counting a try, while {@code other} (an operation of the same resource)
   * is under way: no sooner than its own next step, when it may finish.
   */
  public void waitFor(OperationRecord op, OperationRecord other) {
    Instant soon = Instant.now().plus(config.polling().initialInterval());
    op.nextAttemptAt = other.nextAttemptAt != null && other.nextAttemptAt.isAfter(soon) ? other.nextAttemptAt : soon;
  }

  public void finish(OperationRecord op, OperationState state) {
    op.state = state;
    op.finishedAt = Instant.now();
    op.nextAttemptAt = op.finishedAt;
  }

  public void cancel(OperationRecord op, String why) {
    op.message = why;
    finish(op, OperationState.CANCELLED);
  }

  /** Records the facts of a broker answer on the row. */
  public void note(OperationRecord op, OsbOutcome o) {
    op.httpStatus = o.httpStatus();
    if (o.requestIdentity() != null) {
      op.requestIdentity = o.requestIdentity();
    }
    if (o.reason() != null) {
      op.reason = o.reason();
    }
    if (o.message() != null) {
      op.message = o.message();
    }
  }

  /** A new request is about to be sent: fresh identity, one more attempt. */
  public void newRequest(OperationRecord op) {
    op.requestIdentity = UUID.randomUUID().toString();
    op.httpStatus = null;
  }

  // --- broker ----------------------------------------------------------------------------

  /** Copies where and how to reach the broker onto the row (no secret: a Secret reference). */
  public static void brokerInto(OperationRecord op, ClusterServiceBroker broker) {
    op.brokerName = broker.getMetadata().getName();
    op.brokerUrl = broker.getSpec() == null ? null : broker.getSpec().url;
    op.brokerInsecure = broker.getSpec() != null && Boolean.TRUE.equals(broker.getSpec().insecureSkipTLSVerify);
    op.brokerCaBundle = broker.getSpec() == null ? null : broker.getSpec().caBundle;
    op.authType = null;
    op.authSecretNamespace = null;
    op.authSecretName = null;
    ServiceBrokerAuthInfo auth = broker.getSpec() == null ? null : broker.getSpec().authInfo;
    if (auth != null && auth.basic != null && auth.basic.secretRef != null) {
      op.authType = BrokerAuth.BASIC;
      op.authSecretNamespace = auth.basic.secretRef.namespace;
      op.authSecretName = auth.basic.secretRef.name;
    } else if (auth != null && auth.bearer != null && auth.bearer.secretRef != null) {
      op.authType = BrokerAuth.BEARER;
      op.authSecretNamespace = auth.bearer.secretRef.namespace;
      op.authSecretName = auth.bearer.secretRef.name;
    }
  }

  /** Copies broker fields from another row (fallback when the broker object is gone). */
  public static void brokerInto(OperationRecord op, OperationRecord from) {
    op.brokerName = from.brokerName;
    op.brokerUrl = from.brokerUrl;
    op.brokerInsecure = from.brokerInsecure;
    op.brokerCaBundle = from.brokerCaBundle;
    op.authType = from.authType;
    op.authSecretNamespace = from.authSecretNamespace;
    op.authSecretName = from.authSecretName;
  }

  /** The endpoint of the row's broker, with its Authorization read from the Secret now. */
  public Uni<BrokerEndpoint> endpoint(OperationRecord op) {
    return brokerAuth
        .authorization(op.authType, op.authSecretNamespace, op.authSecretName)
        .map(auth -> new BrokerEndpoint(op.brokerName, op.brokerUrl, op.brokerInsecure, op.brokerCaBundle, auth));
  }

  /** {@code kubernetes <base64(json userInfo)>}, or null when there is no user. */
  public static String originatingIdentity(UserInfo user) {
    if (user == null) {
      return null;
    }
    try {
      byte[] json = Json.MAPPER.writeValueAsBytes(user);
      return OsbHeaders.PLATFORM_KUBERNETES + " " + Base64.getEncoder().encodeToString(json);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
