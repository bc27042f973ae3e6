package io.servicecatalog.api.rest;

import io.servicecatalog.api.store.ResourceStore;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.events.AuditEvent;
import io.servicecatalog.model.v1beta1.ResourceKind;
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

  @Inject
  @Channel("audit-direct")
  MutinyEmitter<String> emitter;

  @ServerResponseFilter
  public void auditRefusal(ContainerRequestContext request, ContainerResponseContext response) {
    if (response.getStatus() < 400 || !WRITES.contains(request.getMethod())) {
      return;
    }
    String path = request.getUriInfo().getPath();
    if (!path.startsWith(PREFIX)) {
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
    data.set("user", Json.MAPPER.valueToTree(Callers.of(new HeadersView(request))));
    data.put("verb", request.getMethod().toLowerCase()).put("kind", kind).put("result", "Failure")
        .put("code", response.getStatus());
    if (namespace != null) {
      data.put("namespace", namespace);
    }
    if (name != null) {
      data.put("name", name);
    }
    if (response.getEntity() instanceof io.fabric8.kubernetes.api.model.Status status) {
      data.put("reason", status.getReason());
    }
    String subject = path.substring(PREFIX.length());
    AuditEvent event = AuditEvent.of("/apis/" + ServiceCatalog.API_VERSION + "/catalog-api",
        "io.servicecatalog." + ResourceStore.resourceName(kind) + ".write-refused", subject, data);
    try {
      String payload = Json.MAPPER.writeValueAsString(event);
      emitter.sendMessage(Message.of(payload).addMetadata(
              OutgoingKafkaRecordMetadata.<String>builder().withKey(subject).build()))
          .subscribe().with(x -> {}, f -> LOG.warnf("could not audit a refused write: %s", f.getMessage()));
    } catch (Exception e) {
      LOG.warnf("could not audit a refused write: %s", e.getMessage());
    }
  }

  /** The request's headers as {@link Callers} reads them. */
  private record HeadersView(ContainerRequestContext request) implements jakarta.ws.rs.core.HttpHeaders {
    public java.util.List<String> getRequestHeader(String name) {
      return request.getHeaders().get(name);
    }

    public String getHeaderString(String name) {
      return request.getHeaderString(name);
    }

    public jakarta.ws.rs.core.MultivaluedMap<String, String> getRequestHeaders() {
      return request.getHeaders();
    }

    public java.util.List<jakarta.ws.rs.core.MediaType> getAcceptableMediaTypes() {
      return request.getAcceptableMediaTypes();
    }

    public java.util.List<java.util.Locale> getAcceptableLanguages() {
      return request.getAcceptableLanguages();
    }

    public jakarta.ws.rs.core.MediaType getMediaType() {
      return request.getMediaType();
    }

    public java.util.Locale getLanguage() {
      return request.getLanguage();
    }

    public java.util.Map<String, jakarta.ws.rs.core.Cookie> getCookies() {
      return request.getCookies();
    }

    public java.util.Date getDate() {
      return request.getDate();
    }

    public int getLength() {
      return request.getLength();
    }
  }
}
