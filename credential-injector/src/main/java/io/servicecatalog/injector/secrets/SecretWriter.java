package io.servicecatalog.injector.secrets;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Converges binding Secrets through the Kubernetes API. Idempotent: a Secret already holding the
 * desired type, data, labels and annotations is not written again (its resourceVersion stays).
 * Never touches a Secret that is not labelled with the binding's uid. What others put on the
 * Secret stays: their labels, annotations, ownerReferences (k8s-syncer's) and finalizers.
 *
 * <p>A Secret's type is immutable in Kubernetes, so a Secret whose type must change (the binding
 * switched between the servicebinding.io and the original layout) is deleted and created again
 * with the same metadata. Optimistic-concurrency conflicts are retried a few times on fresh
 * reads; other API errors propagate as {@link KubernetesClientException} for the caller to retry.
 */
@ApplicationScoped
public class SecretWriter implements SecretTransforms.SecretSource {
  private static final Logger LOG = Logger.getLogger(SecretWriter.class);
  private static final int CONFLICT_RETRIES = 5;

  public enum WriteOutcome {
    CREATED,
    UPDATED,
    /** Deleted and created again because its type changed. */
    RECREATED,
    UNCHANGED,
    /** The planner chose to leave the existing Secret as it is. */
    LEFT
  }

  public enum DeleteOutcome {
    DELETED,
    ABSENT,
    NOT_OURS
  }

  /**
   * What the Secret should be.
   *
   * @param setAnnotations annotations to set (others' annotations stay)
   * @param removeAnnotations annotations to remove if present
   */
  public record Desired(
      String type, SecretData data, Map<String, String> setAnnotations, Set<String> removeAnnotations) {}

  /**
   * Decides what the Secret should be, given what exists (null: nothing). Called again after a
   * conflict, with the fresh Secret. Returns null to leave an existing Secret as it is.
   */
  @FunctionalInterface
  public interface Planner {
    Desired plan(Secret existing);
  }

  private final KubernetesClient client;

  @Inject
  public SecretWriter(KubernetesClient client) {
    this.client = client;
  }

  public WriteOutcome write(
      String namespace, String secretName, String bindingUid, String bindingName, Planner planner)
      throws ForeignSecretException {
    Map<String, String> labels = SecretOwnership.labels(bindingUid, bindingName);
    for (int attempt = 1; ; attempt++) {
      try {
        Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
        if (existing == null) {
          Desired d = planner.plan(null);
          if (d == null) {
            return WriteOutcome.LEFT;
          }
          client.secrets().inNamespace(namespace).resource(
              fresh(namespace, secretName, labels, d, null)).create();
          return WriteOutcome.CREATED;
        }
        if (!SecretOwnership.ownedBy(existing, bindingUid)) {
          throw new ForeignSecretException(namespace, secretName);
        }
        Desired d = planner.plan(existing);
        if (d == null) {
          return WriteOutcome.LEFT;
        }
        boolean sameType = d.type().equals(typeOf(existing));
        if (sameType
            && d.data().sameAs(existing.getData())
            && (existing.getStringData() == null || existing.getStringData().isEmpty())
            && hasLabels(existing, labels)
            && hasAnnotations(existing, d)) {
          return WriteOutcome.UNCHANGED;
        }
        if (!sameType) {
          // Type is immutable: delete, then create with the same metadata.
          client.secrets().inNamespace(namespace).resource(existing).delete();
          client.secrets().inNamespace(namespace).resource(
              fresh(namespace, secretName, labels, d, existing.getMetadata())).create();
          return WriteOutcome.RECREATED;
        }
        Secret updated =
            new SecretBuilder(existing)
                .editMetadata()
                .withLabels(mergedLabels(existing.getMetadata(), labels))
                .withAnnotations(mergedAnnotations(existing.getMetadata(), d))
                .endMetadata()
                .withData(d.data().toBase64())
                .withStringData(null)
                .build();
        client.secrets().inNamespace(namespace).resource(updated).update();
        return WriteOutcome.UPDATED;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 && attempt < CONFLICT_RETRIES) {
          LOG.debugf("conflict writing Secret %s/%s, re-reading (attempt %d)", namespace, secretName, attempt);
          continue;
        }
        throw e;
      }
    }
  }

  /** A new Secret; {@code keep} is the metadata of the one it replaces (null: none). */
  private static Secret fresh(
      String namespace, String secretName, Map<String, String> labels, Desired d, ObjectMeta keep) {
    SecretBuilder b =
        new SecretBuilder()
            .withNewMetadata()
            .withName(secretName)
            .withNamespace(namespace)
            .withLabels(mergedLabels(keep, labels))
            .withAnnotations(mergedAnnotations(keep, d))
            .withOwnerReferences(keep == null ? null : keep.getOwnerReferences())
            .endMetadata()
            .withType(d.type())
            .withData(d.data().toBase64());
    return b.build();
  }

  private static Map<String, String> mergedLabels(ObjectMeta meta, Map<String, String> labels) {
    Map<String, String> merged = new LinkedHashMap<>();
    if (meta != null && meta.getLabels() != null) {
      merged.putAll(meta.getLabels());
    }
    merged.putAll(labels);
    return merged;
  }

  private static Map<String, String> mergedAnnotations(ObjectMeta meta, Desired d) {
    Map<String, String> merged = new LinkedHashMap<>();
    if (meta != null && meta.getAnnotations() != null) {
      merged.putAll(meta.getAnnotations());
    }
    if (d.removeAnnotations() != null) {
      d.removeAnnotations().forEach(merged::remove);
    }
    if (d.setAnnotations() != null) {
      merged.putAll(d.setAnnotations());
    }
    return merged.isEmpty() ? null : merged;
  }

  /** A Secret's type; Kubernetes defaults an unset type to Opaque. */
  public static String typeOf(Secret secret) {
    return secret.getType() == null || secret.getType().isEmpty()
        ? ServiceBindingLayout.TYPE_OPAQUE
        : secret.getType();
  }

  public DeleteOutcome deleteIfOwned(String namespace, String secretName, String bindingUid) {
    Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
    if (existing == null) {
      return DeleteOutcome.ABSENT;
    }
    if (!SecretOwnership.ownedBy(existing, bindingUid)) {
      return DeleteOutcome.NOT_OURS;
    }
    try {
      client.secrets().inNamespace(namespace).withName(secretName).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    return DeleteOutcome.DELETED;
  }

  @Override
  public Map<String, byte[]> read(String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      return null;
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    Base64.Decoder b64 = Base64.getDecoder();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> out.put(k, v == null ? new byte[0] : b64.decode(v)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> out.put(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static boolean hasLabels(Secret secret, Map<String, String> labels) {
    Map<String, String> actual = secret.getMetadata().getLabels();
    if (actual == null) {
      return labels.isEmpty();
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!Objects.equals(actual.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasAnnotations(Secret secret, Desired d) {
    Map<String, String> actual = secret.getMetadata().getAnnotations();
    Map<String, String> a = actual == null ? Map.of() : actual;
    if (d.removeAnnotations() != null) {
      for (String k : d.removeAnnotations()) {
        if (a.containsKey(k) && (d.setAnnotations() == null || !d.setAnnotations().containsKey(k))) {
          return false;
        }
      }
    }
    if (d.setAnnotations() != null) {
      for (Map.Entry<String, String> e : d.setAnnotations().entrySet()) {
        if (!Objects.equals(a.get(e.getKey()), e.getValue())) {
          return false;
        }
      }
    }
    return true;
  }
}
