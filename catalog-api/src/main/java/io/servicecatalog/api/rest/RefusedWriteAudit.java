package io.servicecatalog.api.rest;

import io.servicecatalog.api.store.ResourceStore;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.events.AuditEvent;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.model.v1beta1.UserInfo;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Refused writes belong in the audit trail too (who tried what, and why it was refused). Nothing
 * was stored, so there is no transaction to join: the event goes straight to Kafka, keyed by the
 * object's path since a refused create has no uid.
 */
@ApplicationScoped
public class RefusedWriteAudit {
  private static final Logger LOG = Logger.getLogger(RefusedWriteAudit.class);
  private static final String PREFIX = "/apis/" + ServiceCatalog.API_VERSION + "/";
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  @Inject CurrentVertxRequest current;

  @Inject
  @Channel("audit-direct")
  MutinyEmitter<String> emitter;

  @ServerResponseFilter
  public void auditRefusal(ContainerRequestContext request, ContainerResponseContext response) {
    if (response.getStatus() < 400 || !WRITES.contains(request.getMethod())) {
      return;
    }
    String reason = response.getEntity() instanceof io.fabric8.kubernetes.api.model.Status status
        ? status.getReason() : null;
    refused(request.getMethod(), request.getUriInfo().getPath(), Callers.of(current.getCurrent()),
        response.getStatus(), reason);
  }

  /**
   * Audits a refused request: every refused write, and reads refused as forbidden (someone
   * authenticated looking where they may not). Unauthenticated reads are not recorded: scanners
   * would flood the trail with them.
   */
  public void refused(String method, String path, UserInfo user, int code, String reason) {
    boolean write = WRITES.contains(method);
    if (!path.startsWith(PREFIX) || (!write && code != 403)) {
      return;
    }
    String[] parts = path.substring(PREFIX.length()).split("/");
    String namespace = null;
    int at = 0;
    if (parts.length >= 3 && parts[0].equals("namespaces")) {
      namespace = parts[1];
      at = 2;
    }
    String plural = parts.length > at ? parts[at] : "";
    String name = parts.length > at + 1 ? parts[at + 1] : null;
    String kind = ResourceKind.fromPlural(plural).map(ResourceKind::kind).orElse(plural);
    var data = Json.MAPPER.createObjectNode();
    data.set("user", Json.MAPPER.valueToTree(user == null ? Callers.anonymous() : user));
    data.put("verb", method.toLowerCase()).put("kind", kind).put("result", "Failure").put("code", code);
    if (namespace != null) {
      data.put("namespace", namespace);
    }
    if (name != null) {
      data.put("name", name);
    }
    if (reason != null) {
      data.put("reason", reason);
    }
    String subject = path.substring(PREFIX.length());
    AuditEvent event = AuditEvent.of("/apis/" + ServiceCatalog.API_VERSION + "/catalog-api",
        "io.servicecatalog." + ResourceStore.resourceName(kind) + (write ? ".write-refused" : ".read-refused"),
        subject, data);
    try {
      String payload = Json.MAPPER.writeValueAsString(event);
      emitter.sendMessage(Message.of(payload).addMetadata(
              OutgoingKafkaRecordMetadata.<String>builder().withKey(subject).build()))
          .subscribe().with(x -> {}, f -> LOG.warnf("could not audit a refused request: %s", f.getMessage()));
    } catch (Exception e) {
      LOG.warnf("could not audit a refused request: %s", e.getMessage());
    }
  }
}
