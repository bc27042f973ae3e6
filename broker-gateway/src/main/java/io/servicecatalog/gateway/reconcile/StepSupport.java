package io.servicecatalog.gateway.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.servicecatalog.gateway.events.ResultPublisher;
import io.servicecatalog.gateway.k8s.BrokerAuth;
import io.servicecatalog.gateway.osb.BrokerEndpoint;
import io.servicecatalog.gateway.osb.OsbClient;
import io.servicecatalog.gateway.osb.OsbHeaders;
import io.servicecatalog.gateway.osb.OsbOutcome;
import io.servicecatalog.gateway.osb.OsbRequest;
import io.servicecatalog.gateway.osb.OsbResponse;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.gateway.store.OperationStore;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.v1beta1.ServiceBrokerAuthInfo;
import io.servicecatalog.model.v1beta1.ServiceBrokerSpec;
import io.servicecatalog.model.v1beta1.ServiceBrokerStatus;
import io.servicecatalog.model.v1beta1.UserInfo;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/** What every handler shares: results, backoff, broker endpoint and identity headers. */
@ApplicationScoped
public class StepSupport {
  /** Reason when retries or polling ran out of time (the original's name). */
  public static final String RETRY_TIMEOUT = "ErrorReconciliationRetryTimeout";
  /** Reason when polling last_operation reached the maximum polling duration. */
  public static final String POLLING_TIMEOUT = "ErrorPollingLastOperation";
  /** Broker annotation: this broker's request timeout (a Go duration such as "30s" or "2m"). */
  public static final String REQUEST_TIMEOUT_ANNOTATION = "servicecatalog.k8s.io/osb-request-timeout";

  final GatewayConfig config;
  final ResultPublisher results;
  final BrokerAuth brokerAuth;
  final OperationStore store;
  final OsbClient osb;

  public StepSupport(GatewayConfig config, ResultPublisher results, BrokerAuth brokerAuth, OperationStore store, OsbClient osb) {
    this.config = config;
    this.results = results;
    this.brokerAuth = brokerAuth;
    this.store = store;
    this.osb = osb;
  }

  /** The configuration (a method: this bean is reached through a client proxy, its fields are not). */
  public GatewayConfig config() {
    return config;
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

  /**
   * Starts polling: first poll after the initial interval; the deadline is the plan's
   * maximum_polling_duration or the platform's, whichever comes first.
   */
  public void startPolling(OperationRecord op, OperationState state, String token, Long maxPollingSeconds) {
    Instant now = Instant.now();
    op.state = state;
    op.operationToken = token;
    op.lastDescription = null;
    op.pollIntervalMs = config.polling().initialInterval().toMillis();
    op.nextAttemptAt = now.plus(config.polling().initialInterval());
    Duration max = config.polling().maxDuration();
    if (maxPollingSeconds != null && maxPollingSeconds > 0 && Duration.ofSeconds(maxPollingSeconds).compareTo(max) < 0) {
      max = Duration.ofSeconds(maxPollingSeconds);
    }
    op.pollDeadline = now.plus(max);
  }

  /**
   * Next poll: the broker's Retry-After when given, else the doubled interval (capped). Never
   * later than just after the polling deadline, so the deadline is noticed on time.
   */
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
    Instant next = Instant.now().plus(wait);
    if (op.pollDeadline != null && next.isAfter(op.pollDeadline)) {
      next = op.pollDeadline.plusMillis(1);
    }
    op.nextAttemptAt = next;
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

  /** Look again soon without counting a try (something else has to happen first). */
  public void lookAgainSoon(OperationRecord op) {
    op.nextAttemptAt = Instant.now().plus(config.polling().initialInterval().multipliedBy(2));
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
    if (o.instanceUsable() != null) {
      op.instanceUsable = o.instanceUsable();
    }
    if (o.updateRepeatable() != null) {
      op.updateRepeatable = o.updateRepeatable();
    }
  }

  /** A new request is about to be sent: fresh identity. */
  public void newRequest(OperationRecord op) {
    op.requestIdentity = UUID.randomUUID().toString();
    op.httpStatus = null;
  }

  /**
   * Writes the row now, keeping the lease (e.g. SENT right before a create request goes out).
   * Fails when the lease was lost, so nothing is sent by a process that no longer owns the row.
   */
  public Uni<Void> checkpoint(OperationRecord op) {
    return store.checkpoint(op, op.leaseOwner).flatMap(ok -> ok
        ? Uni.createFrom().voidItem()
        : Uni.createFrom().failure(new IllegalStateException("lease lost before the request was sent")));
  }

  // --- broker ----------------------------------------------------------------------------

  /**
   * Copies where and how to reach the broker onto the row (no secret: a Secret reference). A
   * namespaced ServiceBroker's Secret is in its own namespace.
   */
  public static void brokerInto(OperationRecord op, CustomResource<ServiceBrokerSpec, ServiceBrokerStatus> broker) {
    ServiceBrokerSpec spec = broker.getSpec();
    String ns = broker.getMetadata().getNamespace();
    op.brokerKind = broker.getKind();
    op.brokerNamespace = ns;
    op.brokerName = broker.getMetadata().getName();
    op.brokerUrl = spec == null ? null : spec.url;
    op.brokerInsecure = spec != null && Boolean.TRUE.equals(spec.insecureSkipTLSVerify);
    op.brokerCaBundle = spec == null ? null : spec.caBundle;
    op.authType = null;
    op.authSecretNamespace = null;
    op.authSecretName = null;
    ServiceBrokerAuthInfo auth = spec == null ? null : spec.authInfo;
    ServiceBrokerAuthInfo.SecretAuth secret = null;
    if (auth != null && auth.basic != null && auth.basic.secretRef != null) {
      op.authType = BrokerAuth.BASIC;
      secret = auth.basic;
    } else if (auth != null && auth.bearer != null && auth.bearer.secretRef != null) {
      op.authType = BrokerAuth.BEARER;
      secret = auth.bearer;
    }
    if (secret != null) {
      boolean namespacedBroker = ns != null && !ns.isBlank();
      op.authSecretNamespace = namespacedBroker || secret.secretRef.namespace == null || secret.secretRef.namespace.isBlank()
          ? ns
          : secret.secretRef.namespace;
      op.authSecretName = secret.secretRef.name;
    }
    Map<String, String> annotations = broker.getMetadata().getAnnotations();
    Duration timeout = annotations == null ? null : Decisions.parseGoDuration(annotations.get(REQUEST_TIMEOUT_ANNOTATION));
    op.requestTimeoutMs = timeout == null ? null : timeout.toMillis();
  }

  /** Copies broker fields from another row (fallback when the broker object is gone). */
  public static void brokerInto(OperationRecord op, OperationRecord from) {
    op.brokerKind = from.brokerKind;
    op.brokerNamespace = from.brokerNamespace;
    op.brokerName = from.brokerName;
    op.brokerUrl = from.brokerUrl;
    op.brokerInsecure = from.brokerInsecure;
    op.brokerCaBundle = from.brokerCaBundle;
    op.authType = from.authType;
    op.authSecretNamespace = from.authSecretNamespace;
    op.authSecretName = from.authSecretName;
    op.requestTimeoutMs = from.requestTimeoutMs;
  }

  /** "ClusterServiceBroker/name" or "ServiceBroker/namespace/name". */
  public static String brokerKey(OperationRecord op) {
    String kind = op.brokerKind == null ? "ClusterServiceBroker" : op.brokerKind;
    return kind + "/" + (op.brokerNamespace == null || op.brokerNamespace.isBlank() ? "" : op.brokerNamespace + "/") + op.brokerName;
  }

  /** The endpoint of the row's broker, with its Authorization read from the Secret (or the cache). */
  public Uni<BrokerEndpoint> endpoint(OperationRecord op) {
    return brokerAuth
        .authorization(op.authType, op.authSecretNamespace, op.authSecretName)
        .map(auth -> new BrokerEndpoint(brokerKey(op), op.brokerName, op.brokerUrl, op.brokerInsecure, op.brokerCaBundle, auth,
            op.requestTimeoutMs == null ? null : Duration.ofMillis(op.requestTimeoutMs)));
  }

  /** Sends with the row's broker; a 401 makes the next request read the auth Secret again. */
  public Uni<OsbResponse> send(OperationRecord op, OsbRequest request) {
    return endpoint(op)
        .flatMap(endpoint -> osb.send(endpoint, request))
        .invoke(response -> {
          if (response.status() == 401) {
            brokerAuth.forget(op.authType, op.authSecretNamespace, op.authSecretName);
          }
        });
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
