package io.servicecatalog.injector.reconcile;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.servicecatalog.injector.catalogapi.BindingCheck;
import io.servicecatalog.injector.catalogapi.BindingLookup;
import io.servicecatalog.injector.catalogapi.CatalogApiUnavailableException;
import io.servicecatalog.injector.credentials.EnvelopeOpener;
import io.servicecatalog.injector.credentials.EnvelopeRejectedException;
import io.servicecatalog.injector.events.ResultPublisher;
import io.servicecatalog.injector.secrets.ForeignSecretException;
import io.servicecatalog.injector.secrets.SecretData;
import io.servicecatalog.injector.secrets.SecretTransforms;
import io.servicecatalog.injector.secrets.SecretWriter;
import io.servicecatalog.injector.secrets.TransformException;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.events.BindingCredentials;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The two things the injector does for a binding, as level-triggered steps that are safe to run
 * any number of times:
 *
 * <ul>
 *   <li><b>inject</b>: open the envelope, confirm with catalog-api that the binding still wants
 *       it, apply the secret transforms, converge the Secret, report INJECT_SECRET SUCCEEDED;
 *   <li><b>delete</b>: remove the binding's Secret if it is ours, report DELETE_SECRET SUCCEEDED.
 * </ul>
 *
 * Credentials exist in clear only inside {@link #inject}; nothing here logs or reports them.
 */
@ApplicationScoped
public class SecretReconciler {
  private static final Logger LOG = Logger.getLogger(SecretReconciler.class);

  /** Reason of a failed DELETE_SECRET (the original has none: it retried silently). */
  public static final String ERROR_DELETING_SECRET = "ErrorDeletingCredentialsSecret";

  /** What a resource event asks to remove. */
  public record DeleteRequest(
      String namespace, String bindingName, String bindingUid, Long generation, String secretName) {}

  private final EnvelopeOpener opener;
  private final BindingLookup lookup;
  private final SecretWriter writer;
  private final ResultPublisher results;
  private final InjectorMetrics metrics;

  @Inject
  public SecretReconciler(
      EnvelopeOpener opener,
      BindingLookup lookup,
      SecretWriter writer,
      ResultPublisher results,
      InjectorMetrics metrics) {
    this.opener = opener;
    this.lookup = lookup;
    this.writer = writer;
    this.results = results;
    this.metrics = metrics;
  }

  public Work injectWork(CredentialsEnvelope envelope) {
    return new Work() {
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
        return inject(envelope);
      }

      @Override
      public boolean reportFailure(String message, boolean terminal) {
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
    };
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

  Attempt inject(CredentialsEnvelope envelope) {
    if (isBlank(envelope.namespace()) || isBlank(envelope.bindingName())) {
      return Attempt.failed("envelope lacks the binding's namespace or name");
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

    SecretData data;
    try {
      data =
          SecretTransforms.apply(
              credentials.credentials(), credentials.secretTransforms(), namespace, writer);
    } catch (TransformException e) {
      return e.retriable() ? Attempt.retry(e.getMessage()) : Attempt.failed(e.getMessage());
    } catch (KubernetesClientException e) {
      return Attempt.retry("reading a Secret for addKeysFrom failed: " + describe(e));
    }
    String invalidKey = data.invalidKeyMessage();
    if (invalidKey != null) {
      return Attempt.failed(invalidKey);
    }

    SecretWriter.WriteOutcome outcome;
    try {
      outcome =
          writer.write(namespace, secretName, envelope.bindingUid(), envelope.bindingName(), data);
    } catch (ForeignSecretException e) {
      // The original retried too: whoever owns that Secret may rename or remove it.
      return Attempt.retry(e.getMessage());
    } catch (KubernetesClientException e) {
      String message = "writing Secret " + secretName + " failed: " + describe(e);
      return terminal(e) ? Attempt.failed(message) : Attempt.retry(message);
    }
    metrics.written(outcome);
    LOG.infof(
        "Secret %s/%s %s for binding %s (uid %s): %d keys",
        namespace, secretName, outcome.name().toLowerCase(), envelope.bindingName(),
        envelope.bindingUid(), data.size());

    OperationResult r =
        ResultPublisher.about(
                namespace, envelope.bindingName(), envelope.bindingUid(), envelope.generation())
            .op(Operation.INJECT_SECRET, Outcome.SUCCEEDED,
                ServiceCatalog.Reasons.INJECTED_BIND_RESULT,
                "Injected bind result into Secret " + secretName);
    r.secretName = secretName;
    return publish(r);
  }

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
