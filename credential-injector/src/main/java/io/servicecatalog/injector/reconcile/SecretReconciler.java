package io.servicecatalog.injector.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.servicecatalog.injector.catalogapi.BindingCheck;
import io.servicecatalog.injector.catalogapi.BindingLookup;
import io.servicecatalog.injector.catalogapi.CatalogApiUnavailableException;
import io.servicecatalog.injector.credentials.EnvelopeOpener;
import io.servicecatalog.injector.credentials.EnvelopeRejectedException;
import io.servicecatalog.injector.events.ResultPublisher;
import io.servicecatalog.injector.rotation.WorkloadRestarter;
import io.servicecatalog.injector.secrets.ForeignSecretException;
import io.servicecatalog.injector.secrets.SecretData;
import io.servicecatalog.injector.secrets.SecretDigest;
import io.servicecatalog.injector.secrets.SecretOwnership;
import io.servicecatalog.injector.secrets.SecretTransforms;
import io.servicecatalog.injector.secrets.SecretWriter;
import io.servicecatalog.injector.secrets.ServiceBindingLayout;
import io.servicecatalog.injector.secrets.TransformException;
import io.servicecatalog.injector.store.EnvelopeStore;
import io.servicecatalog.injector.store.StoredEnvelope;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.events.BindingCredentials;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What the injector does for a binding, as level-triggered steps that are safe to run any number
 * of times:
 *
 * <ul>
 *   <li><b>inject</b> (a sealed envelope arrived): open it, confirm with catalog-api that the
 *       binding still wants it, lay the credentials out (servicebinding.io entries unless the
 *       binding opted out, then the secret transforms), converge the Secret, report
 *       INJECT_SECRET SUCCEEDED. When the envelope replaced the credentials of an existing Secret
 *       the result says {@code CredentialsRotated} and opted-in workloads are restarted;
 *   <li><b>repair</b> (the Secret was deleted or edited by hand): the same from the latest
 *       envelope held in memory, reported as {@code SecretRepaired};
 *   <li><b>delete</b>: remove the binding's Secret if it is ours, report DELETE_SECRET SUCCEEDED.
 * </ul>
 *
 * Credentials exist in clear only inside an attempt; nothing here logs or reports them.
 */
@ApplicationScoped
public class SecretReconciler {
  private static final Logger LOG = Logger.getLogger(SecretReconciler.class);

  /** Reason of a failed DELETE_SECRET (the original has none: it retried silently). */
  public static final String ERROR_DELETING_SECRET = "ErrorDeletingCredentialsSecret";

  /** What a resource event asks to remove. */
  public record DeleteRequest(
      String namespace, String bindingName, String bindingUid, Long generation, String secretName) {}

  /** Why a Secret is being looked at again. */
  public enum RepairCause {
    /** The watch saw it deleted. */
    DELETED,
    /** The watch saw data that does not match the digest the injector wrote with it. */
    EDITED,
    /** The watch saw a Secret without the injector's annotations (written by an older version). */
    UNVERIFIED,
    /** The periodic check found no Secret for a binding catalog-api says was injected. */
    MISSING,
    /** The binding's annotations changed, which may change the Secret's layout. */
    BINDING_CHANGED
  }

  private final EnvelopeOpener opener;
  private final BindingLookup lookup;
  private final SecretWriter writer;
  private final ResultPublisher results;
  private final InjectorMetrics metrics;
  private final EnvelopeStore store;
  private final SecretDigest digest;
  private final WorkloadRestarter restarter;
  private final ServiceBindingLayout.Mode defaultLayout;
  private final boolean restartWorkloads;

  /** Layout annotations last applied per binding uid, so unchanged bindings are not re-read. */
  private final Map<String, Map<String, String>> appliedLayout = new ConcurrentHashMap<>();

  /** Bindings the periodic check found never injected, with the envelope it saw then. */
  private final Map<String, String> notInjected = new ConcurrentHashMap<>();

  @Inject
  public SecretReconciler(
      EnvelopeOpener opener,
      BindingLookup lookup,
      SecretWriter writer,
      ResultPublisher results,
      InjectorMetrics metrics,
      EnvelopeStore store,
      SecretDigest digest,
      WorkloadRestarter restarter,
      @ConfigProperty(name = "servicecatalog.injector.secret-layout", defaultValue = "servicebinding.io")
          String defaultLayout,
      @ConfigProperty(name = "servicecatalog.injector.rotation.restart-workloads", defaultValue = "true")
          boolean restartWorkloads) {
    this.opener = opener;
    this.lookup = lookup;
    this.writer = writer;
    this.results = results;
    this.metrics = metrics;
    this.store = store;
    this.digest = digest;
    this.restarter = restarter;
    this.defaultLayout = ServiceBindingLayout.Mode.parse(defaultLayout);
    if (this.defaultLayout == null) {
      throw new IllegalArgumentException(
          "servicecatalog.injector.secret-layout must be servicebinding.io or original, not '"
              + defaultLayout + "'");
    }
    this.restartWorkloads = restartWorkloads;
  }

  // ------------------------------------------------------------------------------ work items

  public Work injectWork(CredentialsEnvelope envelope) {
    return new InjectWork(new StoredEnvelope(envelope, -1, -1));
  }

  public Work injectWork(StoredEnvelope envelope) {
    return new InjectWork(envelope);
  }

  public Work repairWork(String bindingUid, RepairCause cause) {
    return new RepairWork(bindingUid, cause);
  }

  public Work deleteWork(DeleteRequest request) {
    return new Work() {
      @Override
      public String bindingUid() {
        return request.bindingUid();
      }

      @Override
      public Operation operation() {
        return Operation.DELETE_SECRET;
      }

      @Override
      public String describe() {
        return "delete Secret " + request.secretName() + " of binding " + request.namespace()
            + "/" + request.bindingName() + " (uid " + request.bindingUid() + ")";
      }

      @Override
      public Attempt attempt() {
        return delete(request);
      }

      @Override
      public boolean reportFailure(String message, boolean terminal) {
        OperationResult r =
            ResultPublisher.about(
                    request.namespace(), request.bindingName(), request.bindingUid(),
                    request.generation())
                .op(Operation.DELETE_SECRET, Outcome.FAILED, ERROR_DELETING_SECRET, message);
        r.terminal = terminal;
        r.secretName = request.secretName();
        return tryPublish(r);
      }
    };
  }

  /**
   * Whether a binding's layout annotations differ from what was last applied to its Secret by
   * this process (true when unknown), so a change of annotations can re-lay the Secret.
   */
  public boolean layoutChanged(String bindingUid, Map<String, String> annotations) {
    Map<String, String> applied = appliedLayout.get(bindingUid);
    return applied == null || !applied.equals(layoutAnnotations(annotations));
  }

  /** Whether the periodic check already found this binding never injected with this envelope. */
  public boolean knownNotInjected(String bindingUid, String fingerprint) {
    return fingerprint.equals(notInjected.get(bindingUid));
  }

  private static Map<String, String> layoutAnnotations(Map<String, String> annotations) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : List.of(ServiceBindingLayout.LAYOUT_ANNOTATION,
        ServiceBindingLayout.TYPE_ANNOTATION, ServiceBindingLayout.PROVIDER_ANNOTATION)) {
      if (annotations != null && annotations.get(k) != null) {
        out.put(k, annotations.get(k));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------ inject

  /** What an envelope did to its Secret. */
  enum Change {
    CREATED,
    INJECTED,
    ROTATED,
    /** The same envelope again, after a rotation that may not have been reported. */
    ROTATION_REPLAYED,
    REPAIRED
  }

  /** Decides the Secret for an envelope and remembers what kind of change it was. */
  final class InjectPlan implements SecretWriter.Planner {
    final String fingerprint;
    final SecretData data;
    final String type;
    Change change;
    String rotationTime;
    SecretData.Diff diff;

    InjectPlan(String fingerprint, SecretData data, String type) {
      this.fingerprint = fingerprint;
      this.data = data;
      this.type = type;
    }

    @Override
    public SecretWriter.Desired plan(Secret existing) {
      Map<String, String> set = new LinkedHashMap<>();
      set.put(SecretOwnership.ENVELOPE, fingerprint);
      set.put(SecretOwnership.DATA_DIGEST, digest.of(data));
      Set<String> remove = Set.of();
      String previous = existing == null ? null : SecretOwnership.annotation(existing, SecretOwnership.ENVELOPE);
      boolean differs = existing == null || !data.sameAs(existing.getData());
      if (change == Change.ROTATED
          || (existing != null && previous != null && !previous.equals(fingerprint) && differs)) {
        // Another envelope's credentials are replaced (sticky: a recreate may have deleted it).
        change = Change.ROTATED;
        if (rotationTime == null) {
          rotationTime = Times.now();
        }
        set.put(SecretOwnership.LAST_ROTATION, rotationTime);
      } else if (existing == null) {
        change = Change.CREATED;
        remove = Set.of(SecretOwnership.LAST_ROTATION);
      } else if (fingerprint.equals(previous)) {
        String lastRotation = SecretOwnership.annotation(existing, SecretOwnership.LAST_ROTATION);
        Boolean intact =
            digest.matches(SecretOwnership.annotation(existing, SecretOwnership.DATA_DIGEST),
                existing.getData());
        if (differs && Boolean.FALSE.equals(intact)) {
          change = Change.REPAIRED;
          diff = data.diff(existing.getData());
        } else if (lastRotation != null) {
          change = Change.ROTATION_REPLAYED;
          rotationTime = lastRotation;
        } else {
          change = Change.INJECTED;
        }
      } else {
        // Same credentials sealed again, or a Secret written before these annotations existed.
        change = Change.INJECTED;
        remove = Set.of(SecretOwnership.LAST_ROTATION);
      }
      return new SecretWriter.Desired(type, data, set, remove);
    }
  }

  /**
   * Envelope → Secret, then the result, then (rotations only) the restarts. Each step that has
   * succeeded is not repeated by a retry.
   */
  final class InjectWork implements Work {
    final StoredEnvelope stored;
    final CredentialsEnvelope envelope;
    InjectPlan plan;
    boolean published;
    List<WorkloadRestarter.Target> restarts = List.of();

    InjectWork(StoredEnvelope stored) {
      this.stored = stored;
      this.envelope = stored.envelope();
    }

    @Override
    public String bindingUid() {
      return envelope.bindingUid();
    }

    @Override
    public Operation operation() {
      return Operation.INJECT_SECRET;
    }

    @Override
    public String describe() {
      return "inject credentials of binding " + envelope.namespace() + "/"
          + envelope.bindingName() + " (uid " + envelope.bindingUid() + ", generation "
          + envelope.generation() + ")";
    }

    @Override
    public Attempt attempt() {
      if (!published) {
        Attempt a = inject(this);
        if (!published) {
          return a;
        }
      }
      if (!restarts.isEmpty()) {
        try {
          for (WorkloadRestarter.Target t :
              restarter.restart(envelope.namespace(), restarts, plan.rotationTime)) {
            metrics.restarted(t.kind());
          }
          restarts = List.of();
        } catch (KubernetesClientException e) {
          return Attempt.retry("restarting " + restarts + " after the rotation failed: "
              + SecretReconciler.describe(e));
        }
      }
      return Attempt.done();
    }

    @Override
    public boolean reportFailure(String message, boolean terminal) {
      if (published) {
        // The Secret is right and reported; only restarts are left: not the binding's failure.
        LOG.warnf("%s: %s", describe(), message);
        return true;
      }
      OperationResult r =
          ResultPublisher.about(
                  envelope.namespace(), envelope.bindingName(), envelope.bindingUid(),
                  envelope.generation())
              .op(Operation.INJECT_SECRET, Outcome.FAILED,
                  ServiceCatalog.Reasons.ERROR_INJECTING_BIND_RESULT, message);
      r.terminal = terminal;
      r.secretName = targetName(envelope);
      return tryPublish(r);
    }
  }

  /** One attempt at the envelope's Secret and its result; sets {@code work.published}. */
  private Attempt inject(InjectWork work) {
    CredentialsEnvelope envelope = work.envelope;
    if (isBlank(envelope.namespace()) || isBlank(envelope.bindingName())) {
      return Attempt.failed("envelope lacks the binding's namespace or name");
    }
    if (store.supersedes(work.stored)) {
      // A later envelope for this binding is known: writing this one would bring back
      // credentials that the later one replaced (and that the broker may already revoke).
      metrics.skipped("superseded");
      LOG.infof("%s: superseded by a later envelope; not written", work.describe());
      return Attempt.done();
    }
    BindingCredentials credentials;
    try {
      credentials = opener.open(envelope);
    } catch (EnvelopeRejectedException e) {
      return Attempt.failed(e.getMessage());
    }

    String namespace = envelope.namespace();
    BindingCheck check;
    try {
      check = lookup.check(namespace, envelope.bindingName(), envelope.bindingUid());
    } catch (CatalogApiUnavailableException e) {
      return Attempt.retry(
          "could not confirm with catalog-api that the binding still exists: " + e.getMessage());
    }

    switch (check.state()) {
      case GONE, REPLACED -> {
        store.forget(envelope.bindingUid());
        return dropStaleCredentials(envelope, check);
      }
      case DELETING -> {
        String secretName = check.secretName() != null ? check.secretName() : targetName(envelope);
        return delete(
            new DeleteRequest(namespace, envelope.bindingName(), envelope.bindingUid(),
                envelope.generation(), secretName));
      }
      default -> {
        // CURRENT: below
      }
    }

    // catalog-api is authoritative for the target; the envelope's routing fields are not sealed.
    String secretName = check.secretName() != null ? check.secretName() : envelope.bindingName();
    if (envelope.secretName() != null && !envelope.secretName().equals(secretName)) {
      return Attempt.failed(
          "envelope targets Secret " + envelope.secretName() + " but the binding's"
              + " spec.secretName is " + secretName);
    }

    Rendered rendered;
    try {
      rendered = render(credentials, check, namespace);
    } catch (TransformException e) {
      return e.retriable() ? Attempt.retry(e.getMessage()) : Attempt.failed(e.getMessage());
    } catch (KubernetesClientException e) {
      return Attempt.retry("reading a Secret for addKeysFrom failed: " + describe(e));
    }
    String invalidKey = rendered.data().invalidKeyMessage();
    if (invalidKey != null) {
      return Attempt.failed(invalidKey);
    }

    if (work.plan == null || !work.plan.data.equals(rendered.data())
        || !work.plan.type.equals(rendered.type())) {
      InjectPlan previous = work.plan;
      work.plan = new InjectPlan(work.stored.fingerprint(), rendered.data(), rendered.type());
      if (previous != null && previous.change == Change.ROTATED) {
        work.plan.change = Change.ROTATED;
        work.plan.rotationTime = previous.rotationTime;
      }
    }
    InjectPlan plan = work.plan;
    SecretWriter.WriteOutcome outcome;
    try {
      outcome = writer.write(namespace, secretName, envelope.bindingUid(), envelope.bindingName(), plan);
    } catch (ForeignSecretException e) {
      // The original retried too: whoever owns that Secret may rename or remove it.
      return Attempt.retry(e.getMessage());
    } catch (KubernetesClientException e) {
      String message = "writing Secret " + secretName + " failed: " + describe(e);
      return terminal(e) ? Attempt.failed(message) : Attempt.retry(message);
    }
    appliedLayout.put(envelope.bindingUid(), layoutAnnotations(check.annotations()));
    notInjected.remove(envelope.bindingUid());
    metrics.written(outcome);
    LOG.infof(
        "Secret %s/%s %s for binding %s (uid %s): %d keys, type %s%s",
        namespace, secretName, outcome.name().toLowerCase(), envelope.bindingName(),
        envelope.bindingUid(), rendered.data().size(), rendered.type(),
        plan.change == Change.CREATED || plan.change == Change.INJECTED
            ? "" : " (" + plan.change.name().toLowerCase().replace('_', ' ') + ")");

    OperationResult r =
        ResultPublisher.about(
            namespace, envelope.bindingName(), envelope.bindingUid(), envelope.generation());
    r.secretName = secretName;
    List<WorkloadRestarter.Target> restarts = List.of();
    switch (plan.change) {
      case ROTATED, ROTATION_REPLAYED -> {
        if (restartWorkloads) {
          try {
            restarts = restarter.targets(namespace, secretName);
          } catch (KubernetesClientException e) {
            return Attempt.retry(
                "listing workloads to restart after the rotation failed: "
              + SecretReconciler.describe(e));
          }
        }
        r.op(Operation.INJECT_SECRET, Outcome.SUCCEEDED,
            ServiceCatalog.Reasons.CREDENTIALS_ROTATED,
            "Rotated the credentials in Secret " + secretName
                + (restarts.isEmpty() ? "" : "; restarting "
                    + restarts.stream().map(Object::toString).collect(Collectors.joining(", "))));
        r.lastRotationTime = plan.rotationTime;
      }
      case REPAIRED -> r.op(Operation.INJECT_SECRET, Outcome.SUCCEEDED,
          ServiceCatalog.Reasons.SECRET_REPAIRED,
          "Secret " + secretName + " was edited (" + plan.diff.describe()
              + "); restored it from the binding's credentials");
      default -> r.op(Operation.INJECT_SECRET, Outcome.SUCCEEDED,
          ServiceCatalog.Reasons.INJECTED_BIND_RESULT,
          "Injected bind result into Secret " + secretName + warning(rendered));
    }
    Attempt published = publish(r);
    if (published.kind() == Attempt.Kind.DONE) {
      work.published = true;
      work.restarts = restarts;
      if (plan.change == Change.ROTATED) {
        metrics.rotated();
      } else if (plan.change == Change.REPAIRED) {
        metrics.repaired("edited");
      }
    }
    return published;
  }

  // ------------------------------------------------------------------------------ repair

  /** Decides the Secret for a repair; leaves alone a Secret made from another envelope. */
  final class RepairPlan implements SecretWriter.Planner {
    final String fingerprint;
    final SecretData data;
    final String type;
    /** "deleted" or "edited" by hand; null when the Secret was not damaged. */
    String cause;
    /** How the data differs from what it should be; null when it does not. */
    SecretData.Diff diff;

    final boolean keepType;

    RepairPlan(String fingerprint, SecretData data, String type, boolean keepType) {
      this.fingerprint = fingerprint;
      this.data = data;
      this.type = type;
      this.keepType = keepType;
    }

    @Override
    public SecretWriter.Desired plan(Secret existing) {
      Map<String, String> set = new LinkedHashMap<>();
      set.put(SecretOwnership.ENVELOPE, fingerprint);
      set.put(SecretOwnership.DATA_DIGEST, digest.of(data));
      cause = null;
      diff = null;
      if (existing == null) {
        cause = "deleted";
        return new SecretWriter.Desired(type, data, set, Set.of());
      }
      String previous = SecretOwnership.annotation(existing, SecretOwnership.ENVELOPE);
      if (previous != null && !previous.equals(fingerprint)) {
        // Made from another envelope: whichever is newer, the credentials consumer decides.
        return null;
      }
      if (!data.sameAs(existing.getData())) {
        diff = data.diff(existing.getData());
        Boolean intact =
            digest.matches(SecretOwnership.annotation(existing, SecretOwnership.DATA_DIGEST),
                existing.getData());
        if (previous != null && Boolean.FALSE.equals(intact)) {
          cause = "edited"; // else: what the binding asks for changed, not the Secret
        }
      }
      if (keepType) {
        return new SecretWriter.Desired(SecretWriter.typeOf(existing), data, set, Set.of());
      }
      return new SecretWriter.Desired(type, data, set, Set.of());
    }
  }

  /** Restores a binding's Secret from the latest envelope held in memory. */
  final class RepairWork implements Work {
    final String uid;
    final RepairCause cause;

    RepairWork(String uid, RepairCause cause) {
      this.uid = uid;
      this.cause = cause;
    }

    @Override
    public String bindingUid() {
      return uid;
    }

    @Override
    public String key() {
      return "REPAIR_SECRET/" + uid;
    }

    @Override
    public Operation operation() {
      return Operation.INJECT_SECRET;
    }

    @Override
    public String describe() {
      StoredEnvelope e = store.latest(uid);
      return "check the Secret of binding "
          + (e == null ? "" : e.envelope().namespace() + "/" + e.envelope().bindingName() + " ")
          + "(uid " + uid + ", " + cause.name().toLowerCase().replace('_', ' ') + ")";
    }

    @Override
    public Attempt attempt() {
      return repair(this);
    }

    @Override
    public boolean reportFailure(String message, boolean terminal) {
      StoredEnvelope e = store.latest(uid);
      if (e == null || (cause != RepairCause.DELETED && cause != RepairCause.EDITED)) {
        // Only a damaged Secret makes a failure the binding's business; a check that could
        // not run is retried quietly.
        LOG.warnf("%s: %s", describe(), message);
        return true;
      }
      CredentialsEnvelope envelope = e.envelope();
      OperationResult r =
          ResultPublisher.about(
                  envelope.namespace(), envelope.bindingName(), uid, envelope.generation())
              .op(Operation.INJECT_SECRET, Outcome.FAILED,
                  ServiceCatalog.Reasons.ERROR_INJECTING_BIND_RESULT, message);
      r.terminal = terminal;
      r.secretName = targetName(envelope);
      return tryPublish(r);
    }
  }

  private Attempt repair(RepairWork work) {
    StoredEnvelope stored = store.latest(work.uid);
    if (stored == null) {
      return Attempt.done(); // forgotten or tombstoned meanwhile
    }
    CredentialsEnvelope envelope = stored.envelope();
    if (isBlank(envelope.namespace()) || isBlank(envelope.bindingName())) {
      return Attempt.done();
    }
    BindingCredentials credentials;
    try {
      credentials = opener.open(envelope);
    } catch (EnvelopeRejectedException e) {
      // Already reported when it arrived; the Secret (if any) is from an earlier envelope.
      notInjected.put(work.uid, stored.fingerprint());
      LOG.warnf("%s: the latest envelope cannot be opened (%s); nothing to restore from",
          work.describe(), e.getMessage());
      return Attempt.done();
    }
    String namespace = envelope.namespace();
    BindingCheck check;
    try {
      check = lookup.check(namespace, envelope.bindingName(), work.uid);
    } catch (CatalogApiUnavailableException e) {
      return Attempt.retry(
          "could not confirm with catalog-api that the binding still exists: " + e.getMessage());
    }
    if (check.state() != BindingCheck.State.CURRENT) {
      // Deleting, gone or replaced: its Secret is the deletion's business, not ours to restore.
      store.forget(work.uid);
      return Attempt.done();
    }
    if (work.cause == RepairCause.MISSING && !check.injected()) {
      // Never written (failed, or still pending in the credentials consumer): not a repair.
      notInjected.put(work.uid, stored.fingerprint());
      return Attempt.done();
    }
    String secretName = check.secretName() != null ? check.secretName() : envelope.bindingName();
    Rendered rendered;
    try {
      rendered = render(credentials, check, namespace);
    } catch (TransformException e) {
      return e.retriable() ? Attempt.retry(e.getMessage()) : Attempt.failed(e.getMessage());
    } catch (KubernetesClientException e) {
      return Attempt.retry("reading a Secret for addKeysFrom failed: " + describe(e));
    }
    String invalidKey = rendered.data().invalidKeyMessage();
    if (invalidKey != null) {
      return Attempt.failed(invalidKey);
    }
    RepairPlan plan = new RepairPlan(stored.fingerprint(), rendered.data(), rendered.type(),
        // A Secret written before the digest existed keeps its type: changing it means deleting
        // and creating it again, which an upgrade should not do to every Secret at once.
        work.cause == RepairCause.UNVERIFIED);
    SecretWriter.WriteOutcome outcome;
    try {
      outcome = writer.write(namespace, secretName, work.uid, envelope.bindingName(), plan);
    } catch (ForeignSecretException e) {
      return Attempt.retry(e.getMessage());
    } catch (KubernetesClientException e) {
      String message = "restoring Secret " + secretName + " failed: " + describe(e);
      return terminal(e) ? Attempt.failed(message) : Attempt.retry(message);
    }
    appliedLayout.put(work.uid, layoutAnnotations(check.annotations()));
    if (outcome == SecretWriter.WriteOutcome.LEFT || outcome == SecretWriter.WriteOutcome.UNCHANGED) {
      return Attempt.done();
    }
    metrics.written(outcome);
    OperationResult r =
        ResultPublisher.about(namespace, envelope.bindingName(), work.uid, envelope.generation());
    r.secretName = secretName;
    if (plan.cause != null) {
      String what =
          plan.cause.equals("deleted")
              ? "was deleted"
              : "was edited (" + plan.diff.describe() + ")";
      LOG.infof("Secret %s/%s of binding %s (uid %s) %s; restored", namespace, secretName,
          envelope.bindingName(), work.uid, what);
      r.op(Operation.INJECT_SECRET, Outcome.SUCCEEDED, ServiceCatalog.Reasons.SECRET_REPAIRED,
          "Secret " + secretName + " " + what + "; restored it from the binding's credentials");
      Attempt a = publish(r);
      if (a.kind() == Attempt.Kind.DONE) {
        metrics.repaired(plan.cause);
      }
      return a;
    }
    if (plan.diff == null && outcome != SecretWriter.WriteOutcome.RECREATED) {
      // Only the injector's annotations were missing or stale: nothing the binding would notice.
      LOG.infof("Secret %s/%s of binding %s (uid %s): annotations refreshed", namespace,
          secretName, envelope.bindingName(), work.uid);
      return Attempt.done();
    }
    LOG.infof("Secret %s/%s of binding %s (uid %s) %s: %s", namespace, secretName,
        envelope.bindingName(), work.uid, outcome.name().toLowerCase(),
        work.cause == RepairCause.BINDING_CHANGED ? "the binding's annotations changed"
            : "laid out anew");
    r.op(Operation.INJECT_SECRET, Outcome.SUCCEEDED, ServiceCatalog.Reasons.INJECTED_BIND_RESULT,
        "Injected bind result into Secret " + secretName + warning(rendered));
    return publish(r);
  }

  // ------------------------------------------------------------------------------ layout

  /** The Secret's data and type for a binding, and the layout it was made with. */
  record Rendered(SecretData data, String type, ServiceBindingLayout.Settings settings) {}

  private Rendered render(BindingCredentials credentials, BindingCheck check, String namespace)
      throws TransformException {
    ServiceBindingLayout.Settings settings =
        ServiceBindingLayout.Settings.of(check.annotations(), defaultLayout);
    SecretData data =
        SecretTransforms.apply(
            ServiceBindingLayout.enrich(credentials.credentials(), settings,
                credentials.serviceClassExternalName(), credentials.brokerName()),
            credentials.secretTransforms(), namespace, writer);
    return new Rendered(data, ServiceBindingLayout.secretType(settings.mode(), data), settings);
  }

  private static String warning(Rendered rendered) {
    return rendered.settings().warning() == null ? "" : " (" + rendered.settings().warning() + ")";
  }

  // ------------------------------------------------------------------------------ delete

  /** The binding is gone or was replaced: write nothing, and take back what we wrote for it. */
  private Attempt dropStaleCredentials(CredentialsEnvelope envelope, BindingCheck check) {
    String secretName = targetName(envelope);
    SecretWriter.DeleteOutcome outcome;
    try {
      outcome = writer.deleteIfOwned(envelope.namespace(), secretName, envelope.bindingUid());
    } catch (KubernetesClientException e) {
      return Attempt.retry("removing Secret " + secretName + " of a "
          + check.state().name().toLowerCase() + " binding failed: " + describe(e));
    }
    if (outcome == SecretWriter.DeleteOutcome.DELETED) {
      metrics.deleted();
    }
    metrics.skipped(check.state().name().toLowerCase());
    LOG.infof(
        "binding %s/%s (uid %s) is %s at catalog-api: credentials not written%s",
        envelope.namespace(), envelope.bindingName(), envelope.bindingUid(),
        check.state().name().toLowerCase(),
        outcome == SecretWriter.DeleteOutcome.DELETED ? ", its Secret " + secretName + " deleted" : "");
    return Attempt.done();
  }

  Attempt delete(DeleteRequest request) {
    // First, so the watch does not take the deletion below for one to repair.
    store.forget(request.bindingUid());
    appliedLayout.remove(request.bindingUid());
    notInjected.remove(request.bindingUid());
    SecretWriter.DeleteOutcome outcome;
    try {
      outcome =
          writer.deleteIfOwned(request.namespace(), request.secretName(), request.bindingUid());
    } catch (KubernetesClientException e) {
      String message = "deleting Secret " + request.secretName() + " failed: " + describe(e);
      return terminal(e) ? Attempt.failed(message) : Attempt.retry(message);
    }
    String message =
        switch (outcome) {
          case DELETED -> "Deleted Secret " + request.secretName();
          case ABSENT -> "Secret " + request.secretName() + " does not exist";
          case NOT_OURS ->
              "Secret " + request.secretName() + " is not owned by this binding; left in place";
        };
    if (outcome == SecretWriter.DeleteOutcome.DELETED) {
      metrics.deleted();
      LOG.infof("Secret %s/%s of binding %s (uid %s) deleted", request.namespace(),
          request.secretName(), request.bindingName(), request.bindingUid());
    }
    OperationResult r =
        ResultPublisher.about(
                request.namespace(), request.bindingName(), request.bindingUid(),
                request.generation())
            .op(Operation.DELETE_SECRET, Outcome.SUCCEEDED, ServiceCatalog.Reasons.SECRET_DELETED,
                message);
    r.secretName = request.secretName();
    return publish(r);
  }

  // ------------------------------------------------------------------------------ helpers

  private Attempt publish(OperationResult r) {
    try {
      results.publish(r);
      return Attempt.done();
    } catch (ResultPublisher.PublishException e) {
      return Attempt.retry(e.getMessage());
    }
  }

  private boolean tryPublish(OperationResult r) {
    try {
      results.publish(r);
      return true;
    } catch (ResultPublisher.PublishException e) {
      LOG.warnf("could not publish %s %s for %s/%s: %s", r.operation, r.outcome, r.namespace,
          r.name, e.getMessage());
      return false;
    }
  }

  private static String targetName(CredentialsEnvelope envelope) {
    return envelope.secretName() != null ? envelope.secretName() : envelope.bindingName();
  }

  /** Errors a retry cannot fix: the request itself was refused as invalid. */
  private static boolean terminal(KubernetesClientException e) {
    int code = e.getCode();
    return code == 400 || code == 413 || code == 422;
  }

  /** Status code and kube-apiserver's reason/message; never the request. */
  static String describe(KubernetesClientException e) {
    if (e.getCode() <= 0) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return "Kubernetes API unreachable (" + cause.getClass().getSimpleName() + ")";
    }
    StringBuilder out = new StringBuilder("Kubernetes API answered ").append(e.getCode());
    Status status = e.getStatus();
    if (status != null) {
      if (status.getReason() != null) {
        out.append(' ').append(status.getReason());
      }
      if (status.getMessage() != null) {
        String m = status.getMessage();
        out.append(": ").append(m.length() > 300 ? m.substring(0, 300) + "..." : m);
      }
    }
    return out.toString();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
