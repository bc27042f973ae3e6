package io.servicecatalog.injector.secrets;

import io.fabric8.kubernetes.api.model.Secret;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a Secret says which binding it belongs to. Ownership is the binding-uid label: a Secret
 * without it (or with another uid) is never overwritten or deleted.
 *
 * <p>The injector sets no ownerReference itself: the binding uid is catalog-api's, and the
 * ServiceBinding object in kube-apiserver (if k8s-syncer mirrors one) carries another uid; an
 * ownerReference to a uid the garbage collector cannot find would get the Secret deleted.
 * k8s-syncer adds the right one where the CRD shim is present; updates keep it.
 *
 * <p>Annotations the injector keeps on the Secret (no credential in any of them):
 *
 * <ul>
 *   <li>{@value #ENVELOPE}: fingerprint of the sealed envelope the data was made from (a hash
 *       of its ciphertext), to tell a new envelope (rotation) from a replay of the same one;
 *   <li>{@value #DATA_DIGEST}: keyed digest of the data as written ({@link SecretDigest}), to
 *       tell a hand edit from the injector's own writes without opening anything;
 *   <li>{@value #LAST_ROTATION}: when the data was last replaced by a rotation, so a rotation
 *       interrupted before it was reported is reported again with the same time.
 * </ul>
 */
public final class SecretOwnership {
  private SecretOwnership() {}

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "service-catalog";
  public static final String BINDING_UID = "servicecatalog.k8s.io/binding-uid";
  public static final String BINDING_NAME = "servicecatalog.k8s.io/binding-name";

  public static final String ENVELOPE = "servicecatalog.k8s.io/credentials-envelope";
  public static final String DATA_DIGEST = "servicecatalog.k8s.io/credentials-digest";
  public static final String LAST_ROTATION = "servicecatalog.k8s.io/last-rotation";

  private static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  /** Labels for a binding's Secret; the name label is left out when it is not a valid label value. */
  public static Map<String, String> labels(String bindingUid, String bindingName) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGED_BY_VALUE);
    labels.put(BINDING_UID, bindingUid);
    if (bindingName != null && isLabelValue(bindingName)) {
      labels.put(BINDING_NAME, bindingName);
    }
    return labels;
  }

  public static boolean ownedBy(Secret secret, String bindingUid) {
    Map<String, String> labels = secret.getMetadata() == null ? null : secret.getMetadata().getLabels();
    return labels != null && bindingUid != null && bindingUid.equals(labels.get(BINDING_UID));
  }

  /** The binding uid a Secret is labelled with, or null. */
  public static String bindingUid(Secret secret) {
    Map<String, String> labels = secret.getMetadata() == null ? null : secret.getMetadata().getLabels();
    return labels == null ? null : labels.get(BINDING_UID);
  }

  /** An annotation of a Secret, or null. */
  public static String annotation(Secret secret, String key) {
    Map<String, String> a =
        secret.getMetadata() == null ? null : secret.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  static boolean isLabelValue(String value) {
    return value.length() <= 63 && LABEL_VALUE.matcher(value).matches();
  }
}
