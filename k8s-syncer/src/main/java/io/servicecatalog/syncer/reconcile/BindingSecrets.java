package io.servicecatalog.syncer.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.syncer.kube.KubeEvents;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Makes the Secret credential-injector wrote for a binding owned by the ServiceBinding custom
 * resource (a controller ownerReference), so Kubernetes' garbage collector removes it with the
 * binding as in the original. The injector marks its Secrets with the catalog binding's uid (label
 * {@value #BINDING_UID_LABEL}); the custom resource records that uid in an annotation, so the
 * Secrets of one binding are found with a label-selected list in its namespace — never a watch or
 * cache of Secrets.
 */
@ApplicationScoped
public class BindingSecrets {
  private static final Logger LOG = Logger.getLogger(BindingSecrets.class);

  /** Set by credential-injector on every Secret it writes. */
  public static final String BINDING_UID_LABEL = "servicecatalog.k8s.io/binding-uid";

  private final KubernetesClient client;
  private final KubeEvents events;

  public BindingSecrets(KubernetesClient client, KubeEvents events) {
    this.client = client;
    this.events = events;
  }

  /** False when a Secret changed while being patched: look again soon. */
  public boolean ensureOwned(JsonNode binding) {
    String catalogUid = SyncAnnotations.get(binding, SyncAnnotations.CATALOG_UID);
    String ns = binding.path("metadata").path("namespace").asText(null);
    String name = binding.path("metadata").path("name").asText();
    String uid = binding.path("metadata").path("uid").asText(null);
    if (catalogUid == null || ns == null || uid == null) {
      return true;
    }
    boolean done = true;
    List<Secret> secrets =
        client.secrets().inNamespace(ns).withLabel(BINDING_UID_LABEL, catalogUid).list().getItems();
    for (Secret s : secrets) {
      List<OwnerReference> refs =
          s.getMetadata().getOwnerReferences() == null
              ? List.of()
              : s.getMetadata().getOwnerReferences();
      if (refs.stream().anyMatch(r -> uid.equals(r.getUid()))) {
        continue;
      }
      OwnerReference foreign =
          refs.stream()
              .filter(r -> Boolean.TRUE.equals(r.getController()) && !isServiceBinding(r, name))
              .findFirst()
              .orElse(null);
      if (foreign != null) {
        events.warning(
            binding,
            "SecretOwnedElsewhere",
            "Secret "
                + s.getMetadata().getName()
                + " is controlled by "
                + foreign.getKind()
                + " "
                + foreign.getName()
                + "; not taking it over");
        continue;
      }
      List<OwnerReference> next = new ArrayList<>();
      for (OwnerReference r : refs) {
        if (!isServiceBinding(r, name)) {
          next.add(r); // an earlier ServiceBinding of the same name is replaced
        }
      }
      next.add(
          new OwnerReferenceBuilder()
              .withApiVersion(ServiceCatalog.API_VERSION)
              .withKind("ServiceBinding")
              .withName(name)
              .withUid(uid)
              .withController(true)
              .withBlockOwnerDeletion(true)
              .build());
      Map<String, Object> patch =
          Map.of(
              "metadata",
              Map.of(
                  "resourceVersion",
                  s.getMetadata().getResourceVersion(),
                  "ownerReferences",
                  next));
      try {
        client
            .secrets()
            .inNamespace(ns)
            .withName(s.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON_MERGE), Json.MAPPER.writeValueAsString(patch));
        LOG.infof(
            "Secret %s/%s now owned by ServiceBinding %s", ns, s.getMetadata().getName(), name);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 && e.getCode() != 404) {
          throw e;
        }
        done = e.getCode() == 404; // changed meanwhile: look again; gone: nothing to own
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return done;
  }

  private static boolean isServiceBinding(OwnerReference r, String name) {
    return "ServiceBinding".equals(r.getKind())
        && r.getApiVersion() != null
        && r.getApiVersion().startsWith(ServiceCatalog.GROUP + "/")
        && name.equals(r.getName());
  }
}
