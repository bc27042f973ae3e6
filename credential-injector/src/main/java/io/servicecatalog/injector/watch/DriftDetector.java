package io.servicecatalog.injector.watch;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.servicecatalog.injector.reconcile.ReconcileQueue;
import io.servicecatalog.injector.reconcile.SecretReconciler;
import io.servicecatalog.injector.reconcile.SecretReconciler.RepairCause;
import io.servicecatalog.injector.secrets.SecretDigest;
import io.servicecatalog.injector.secrets.SecretOwnership;
import io.servicecatalog.injector.store.EnvelopeStore;
import io.servicecatalog.injector.store.StoredEnvelope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Watch events of the injector's Secrets → repair work, decided from the event alone (no
 * catalog-api call, nothing opened) so that thousands of intact Secrets cost nothing:
 *
 * <ul>
 *   <li>deleted → repair (it checks with catalog-api that the binding still wants it);
 *   <li>made from another envelope than the latest one held → nothing: the credentials consumer
 *       is writing (or has written) the newer one, or this process has not read it yet;
 *   <li>its data matches the digest written with it → intact, nothing;
 *   <li>otherwise (edited, or written before the digest existed) → repair.
 * </ul>
 *
 * Bindings whose envelope is not held (forgotten, tombstoned, never seen) are left alone. Repairs
 * start after {@code servicecatalog.injector.repair.delay}: several edits in a row make one
 * repair, and a Secret deleted together with its binding (garbage collection of the binding's
 * custom resource) is not restored when catalog-api has learnt of the deletion by then.
 */
@ApplicationScoped
public class DriftDetector implements ResourceEventHandler<Secret> {
  private static final Logger LOG = Logger.getLogger(DriftDetector.class);

  private final EnvelopeStore store;
  private final SecretDigest digest;
  private final SecretReconciler reconciler;
  private final ReconcileQueue queue;

  private final Duration delay;

  @Inject
  public DriftDetector(
      EnvelopeStore store,
      SecretDigest digest,
      SecretReconciler reconciler,
      ReconcileQueue queue,
      @ConfigProperty(name = "servicecatalog.injector.repair.delay", defaultValue = "5s")
          Duration delay) {
    this.store = store;
    this.digest = digest;
    this.reconciler = reconciler;
    this.queue = queue;
    this.delay = delay;
  }

  @Override
  public void onAdd(Secret secret) {
    observe(secret);
  }

  @Override
  public void onUpdate(Secret before, Secret after) {
    observe(after);
  }

  @Override
  public void onDelete(Secret secret, boolean finalStateUnknown) {
    String uid = SecretOwnership.bindingUid(secret);
    if (uid == null || store.latest(uid) == null) {
      return;
    }
    LOG.infof("Secret %s/%s of binding uid %s was deleted", secret.getMetadata().getNamespace(),
        secret.getMetadata().getName(), uid);
    queue.submitAsync(reconciler.repairWork(uid, RepairCause.DELETED), delay);
  }

  /** What to do about a Secret as the watch sees it now; null: nothing. */
  RepairCause assess(Secret secret) {
    String uid = SecretOwnership.bindingUid(secret);
    StoredEnvelope latest = uid == null ? null : store.latest(uid);
    if (latest == null) {
      return null;
    }
    String envelope = SecretOwnership.annotation(secret, SecretOwnership.ENVELOPE);
    if (envelope != null && !envelope.equals(latest.fingerprint())) {
      return null;
    }
    Boolean intact =
        digest.matches(SecretOwnership.annotation(secret, SecretOwnership.DATA_DIGEST),
            secret.getData());
    if (envelope != null && Boolean.TRUE.equals(intact)) {
      return null;
    }
    return envelope != null && Boolean.FALSE.equals(intact) ? RepairCause.EDITED : RepairCause.UNVERIFIED;
  }

  private void observe(Secret secret) {
    RepairCause cause = assess(secret);
    if (cause != null) {
      String uid = SecretOwnership.bindingUid(secret);
      LOG.infof("Secret %s/%s of binding uid %s: %s", secret.getMetadata().getNamespace(),
          secret.getMetadata().getName(), uid,
          cause == RepairCause.EDITED ? "data edited" : "no digest to verify it by");
      queue.submitAsync(reconciler.repairWork(uid, cause), delay);
    }
  }
}
