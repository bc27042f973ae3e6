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
import org.jboss.logging.Logger;

/**
 * Converges binding Secrets through the Kubernetes API. Idempotent: a Secret already holding the
 * desired data and labels is not written again (its resourceVersion stays). Never touches a
 * Secret that is not labelled with the binding's uid. Optimistic-concurrency conflicts are
 * retried a few times on fresh reads; other API errors propagate as {@link
 * KubernetesClientException} for the caller to retry later.
 */
@ApplicationScoped
public class SecretWriter implements SecretTransforms.SecretSource {
  private static final Logger LOG = Logger.getLogger(SecretWriter.class);
  private static final int CONFLICT_RETRIES = 5;
  public static final String TYPE_OPAQUE = "Opaque";

  public enum WriteOutcome {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  public enum DeleteOutcome {
    DELETED,
    ABSENT,
    NOT_OURS
  }

  private final KubernetesClient client;

  @Inject
  public SecretWriter(KubernetesClient client) {
    this.client = client;
  }

  public WriteOutcome write(
      String namespace, String secretName, String bindingUid, String bindingName, SecretData data)
      throws ForeignSecretException {
    Map<String, String> labels = SecretOwnership.labels(bindingUid, bindingName);
    Map<String, String> encoded = data.toBase64();
    for (int attempt = 1; ; attempt++) {
      try {
        Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
        if (existing == null) {
          Secret created =
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(secretName)
                  .withNamespace(namespace)
                  .withLabels(labels)
                  .endMetadata()
                  .withType(TYPE_OPAQUE)
                  .withData(encoded)
                  .build();
          client.secrets().inNamespace(namespace).resource(created).create();
          return WriteOutcome.CREATED;
        }
        if (!SecretOwnership.ownedBy(existing, bindingUid)) {
          throw new ForeignSecretException(namespace, secretName);
        }
        if (data.sameAs(existing.getData()) && hasLabels(existing, labels)) {
          return WriteOutcome.UNCHANGED;
        }
        Map<String, String> mergedLabels = new LinkedHashMap<>();
        ObjectMeta meta = existing.getMetadata();
        if (meta.getLabels() != null) {
          mergedLabels.putAll(meta.getLabels());
        }
        mergedLabels.putAll(labels);
        Secret updated =
            new SecretBuilder(existing)
                .editMetadata()
                .withLabels(mergedLabels)
                .endMetadata()
                .withData(encoded)
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
}
