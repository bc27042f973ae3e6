package io.servicecatalog.syncer.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.servicecatalog.model.Times;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on the custom resources ({@code kubectl describe} shows them), e.g. why
 * catalog-api refused a change. Best effort: failing to record an event never fails a sync.
 */
@ApplicationScoped
public class KubeEvents {
  private static final Logger LOG = Logger.getLogger(KubeEvents.class);
  public static final String COMPONENT = "k8s-syncer";

  private final KubernetesClient client;

  public KubeEvents(KubernetesClient client) {
    this.client = client;
  }

  public void warning(JsonNode object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  public void normal(JsonNode object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  private void record(JsonNode object, String type, String reason, String message) {
    JsonNode meta = object.path("metadata");
    String name = meta.path("name").asText();
    // Events of cluster-scoped objects live in "default", as kube-apiserver's own do.
    String ns = meta.hasNonNull("namespace") ? meta.get("namespace").asText() : "default";
    String now = Times.now();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name + "." + UUID.randomUUID().toString().substring(0, 8))
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(object.path("apiVersion").asText())
            .withKind(object.path("kind").asText())
            .withName(name)
            .withNamespace(meta.path("namespace").asText(null))
            .withUid(meta.path("uid").asText(null))
            .withResourceVersion(meta.path("resourceVersion").asText(null))
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(message.length() > 1024 ? message.substring(0, 1024) : message)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace(ns).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.debugf("could not record event %s on %s: %s", reason, name, e.getMessage());
    }
  }
}
