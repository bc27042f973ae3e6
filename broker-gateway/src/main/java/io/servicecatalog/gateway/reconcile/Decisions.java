package io.servicecatalog.gateway.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBindingStatus;
import io.servicecatalog.model.v1beta1.ServiceBrokerSpec;
import io.servicecatalog.model.v1beta1.ServiceBrokerStatus;
import io.servicecatalog.model.v1beta1.ServiceClassSpec;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.model.v1beta1.ServiceInstanceStatus;
import io.servicecatalog.model.v1beta1.ServicePlanSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the current state of a resource requires of the broker. Pure functions of the resource
 * (and, for bindings, of their instance): used on events, on resync, and again by the worker on
 * freshly read state right before a request is sent.
 */
public final class Decisions {
  private Decisions() {}

  public static final String GENERATION_KEY_PREFIX = "generation:";
  public static final String RELIST_KEY_PREFIX = "relist:";
  /** FETCH_CATALOG asked for by a MaintenanceInfoConflict answer (spec: fetch the catalog again). */
  public static final String CONFLICT_KEY_PREFIX = "maintenance-conflict:";
  /** ROTATE_BINDING asked for by spec.rotationRequests = N. */
  public static final String ROTATION_REQUEST_KEY_PREFIX = "requests:";
  /** ROTATE_BINDING scheduled from the broker's renew_before / expires_at for one binding id. */
  public static final String ROTATION_AUTO_KEY_PREFIX = "auto:";
  /** UNBIND_PREDECESSOR of one binding id. */
  public static final String PREDECESSOR_KEY_PREFIX = "predecessor:";
  /** The one FETCH_INSTANCE row of an instance, run again every drift interval. */
  public static final String DRIFT_KEY = "drift";

  // --- brokers (ClusterServiceBroker and ServiceBroker) ------------------------------------

  /**
   * The key of the catalog fetch this broker needs, if any: {@code generation:N} when its spec
   * generation was not reconciled yet; {@code relist:<lastCatalogRetrievalTime>} when its relist
   * period has elapsed (relistBehavior Duration, the default).
   */
  public static Optional<String> catalogFetchKey(
      CustomResource<ServiceBrokerSpec, ServiceBrokerStatus> b, Duration defaultRelist, Instant now) {
    if (b == null || b.getMetadata() == null || deleting(b.getMetadata().getDeletionTimestamp())) {
      return Optional.empty();
    }
    Long generation = b.getMetadata().getGeneration();
    Long reconciled = b.getStatus() == null ? null : b.getStatus().reconciledGeneration;
    if (!Objects.equals(reconciled, generation)) {
      return Optional.of(GENERATION_KEY_PREFIX + generation);
    }
    ServiceBrokerSpec spec = b.getSpec();
    if (spec == null || ServiceBrokerSpec.RELIST_MANUAL.equals(spec.relistBehavior)) {
      return Optional.empty();
    }
    String last = b.getStatus().lastCatalogRetrievalTime;
    if (last == null) {
      return Optional.empty();
    }
    Duration period = Optional.ofNullable(parseGoDuration(spec.relistDuration)).orElse(defaultRelist);
    try {
      if (!Instant.parse(last).plus(period).isAfter(now)) {
        return Optional.of(RELIST_KEY_PREFIX + last);
      }
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  // --- ServiceInstance -------------------------------------------------------------------

  public static boolean needsProvision(ServiceInstance i) {
    if (i == null || i.getMetadata() == null || deleting(i.getMetadata().getDeletionTimestamp()) || i.getSpec() == null) {
      return false;
    }
    ServiceInstanceStatus s = i.getStatus();
    if (s != null && (ServiceInstanceStatus.PROVISIONED.equals(s.provisionStatus) || s.isFailed())) {
      return false;
    }
    return planResolved(i);
  }

  /** The instance's plan and class references are resolved (cluster-scoped or namespaced). */
  public static boolean planResolved(ServiceInstance i) {
    return Resolution.planNameOf(i) != null && Resolution.classNameOf(i) != null;
  }

  /**
   * An update is due: the instance is provisioned, not being deleted, and its spec generation
   * (plan, parameters, updateRequests) is newer than the one catalog-api reports as processed.
   */
  public static boolean needsUpdate(ServiceInstance i) {
    if (i == null || i.getMetadata() == null || deleting(i.getMetadata().getDeletionTimestamp()) || i.getSpec() == null) {
      return false;
    }
    ServiceInstanceStatus s = i.getStatus();
    if (s == null || !ServiceInstanceStatus.PROVISIONED.equals(s.provisionStatus) || !planResolved(i)) {
      return false;
    }
    Long generation = i.getMetadata().getGeneration();
    Long observed = s.observedGeneration != null ? s.observedGeneration : s.reconciledGeneration;
    return generation != null && observed != null && generation > observed;
  }

  /** A provisioned instance that is not being deleted nor changed: worth comparing with its broker. */
  public static boolean mayCheckDrift(ServiceInstance i) {
    return i != null
        && i.getMetadata() != null
        && !deleting(i.getMetadata().getDeletionTimestamp())
        && i.getStatus() != null
        && ServiceInstanceStatus.PROVISIONED.equals(i.getStatus().provisionStatus)
        && planResolved(i)
        && !needsUpdate(i);
  }

  public static boolean needsDeprovision(ServiceInstance i) {
    if (i == null || i.getMetadata() == null || !deleting(i.getMetadata().getDeletionTimestamp())) {
      return false;
    }
    ServiceInstanceStatus s = i.getStatus();
    if (s == null || !ServiceInstanceStatus.DEPROVISION_REQUIRED.equals(s.deprovisionStatus)) {
      return false;
    }
    Condition ready = s.condition(ServiceCatalog.CONDITION_READY);
    return ready == null || !Reasons.DEPROVISION_BLOCKED_BY_CREDENTIALS.equals(ready.getReason());
  }

  // --- ServiceBinding --------------------------------------------------------------------

  /** The part of the bind decision that needs no instance: worth looking the instance up. */
  public static boolean mayNeedBind(ServiceBinding b) {
    return b != null
        && b.getMetadata() != null
        && !deleting(b.getMetadata().getDeletionTimestamp())
        && b.getSpec() != null
        && b.getSpec().instanceRef != null
        && b.getSpec().instanceRef.name != null
        && (b.getStatus() == null || !b.getStatus().isReady());
  }

  public static boolean needsBind(ServiceBinding b, ServiceInstance instance) {
    return mayNeedBind(b)
        && instance != null
        && instance.getMetadata() != null
        && !deleting(instance.getMetadata().getDeletionTimestamp())
        && instance.getStatus() != null
        && instance.getStatus().isReady();
  }

  /** A Ready binding that is not being deleted: worth comparing with its broker (bindings_retrievable). */
  public static boolean mayCheckBindingDrift(ServiceBinding b) {
    return b != null
        && b.getMetadata() != null
        && !deleting(b.getMetadata().getDeletionTimestamp())
        && b.getSpec() != null
        && b.getSpec().instanceRef != null
        && b.getSpec().instanceRef.name != null
        && b.getStatus() != null
        && b.getStatus().isReady();
  }

  public static boolean needsUnbind(ServiceBinding b) {
    if (b == null || b.getMetadata() == null || !deleting(b.getMetadata().getDeletionTimestamp())) {
      return false;
    }
    ServiceBindingStatus s = b.getStatus();
    return s != null && s.binding == null && ServiceBindingStatus.UNBIND_REQUIRED.equals(s.unbindStatus);
  }

  /** Plan {@code bindable} overrides the class's; a class without the field is not bindable. */
  public static boolean bindable(ServiceClassSpec serviceClass, ServicePlanSpec plan) {
    if (plan != null && plan.bindable != null) {
      return plan.bindable;
    }
    return serviceClass != null && Boolean.TRUE.equals(serviceClass.bindable);
  }

  /**
   * The rotation key a binding asks for with {@code spec.rotationRequests}: {@code requests:N}
   * while the binding is Ready and not being deleted; whether N is beyond what was already
   * answered is decided against the operations table when the row runs.
   */
  public static Optional<String> rotationRequestKey(ServiceBinding b) {
    if (b == null || b.getMetadata() == null || deleting(b.getMetadata().getDeletionTimestamp()) || b.getSpec() == null
        || b.getSpec().rotationRequests == null || b.getSpec().rotationRequests <= 0
        || b.getStatus() == null || !b.getStatus().isReady()) {
      return Optional.empty();
    }
    return Optional.of(ROTATION_REQUEST_KEY_PREFIX + b.getSpec().rotationRequests);
  }

  /** Operations of an instance and of its bindings are sent one at a time: their common key. */
  public static String serialKey(String namespace, String instanceName) {
    return instanceName == null ? null : (namespace == null ? "" : namespace) + "/" + instanceName;
  }

  // --- helpers ---------------------------------------------------------------------------

  static boolean deleting(String deletionTimestamp) {
    return deletionTimestamp != null && !deletionTimestamp.isBlank();
  }

  private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  /** A Go duration ("15m", "1h30m0s", "90s"); null when absent or not understood. */
  static Duration parseGoDuration(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Matcher m = GO_DURATION_PART.matcher(value.trim());
    double nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return null;
      }
      end = m.end();
      double n = Double.parseDouble(m.group(1));
      nanos +=
          switch (m.group(2)) {
            case "ns" -> n;
            case "us", "µs" -> n * 1e3;
            case "ms" -> n * 1e6;
            case "s" -> n * 1e9;
            case "m" -> n * 60e9;
            default -> n * 3600e9;
          };
    }
    if (end != value.trim().length() || nanos <= 0) {
      return null;
    }
    return Duration.ofNanos((long) nanos);
  }
}
