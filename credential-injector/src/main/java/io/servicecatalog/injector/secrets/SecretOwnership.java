package io.servicecatalog.injector.secrets;

import io.fabric8.kubernetes.api.model.Secret;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a Secret says which binding it belongs to. Ownership is the binding-uid label: a Secret
 * without it (or with another uid) is never overwritten or deleted.
 *
 * <p>No ownerReference is set: the binding uid is catalog-api's, and the ServiceBinding object
 * in kube-apiserver (if k8s-syncer mirrors one) may carry another uid; an ownerReference to a uid
 * the garbage collector cannot find would get the Secret deleted.
 */
public final class SecretOwnership {
  private SecretOwnership() {}

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "service-catalog";
  public static final String BINDING_UID = "servicecatalog.k8s.io/binding-uid";
  public static final String BINDING_NAME = "servicecatalog.k8s.io/binding-name";

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

  static boolean isLabelValue(String value) {
    return value.length() <= 63 && LABEL_VALUE.matcher(value).matches();
  }
}
