package io.servicecatalog.gateway.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.AuditEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * One {@code io.servicecatalog.osb.call} CloudEvent per OSB request on {@code
 * servicecatalog.audit}, keyed by the uid of the resource the call was for. Carries names, ids,
 * the path (ids only, no query), status and duration; never a body, a credential or a parameter
 * value. Publishing never delays or fails the call it describes: a record Kafka refused is
 * logged and counted.
 */
@ApplicationScoped
public class AuditPublisher {
  public static final String TYPE_OSB_CALL = "io.servicecatalog.osb.call";
  private static final Logger LOG = Logger.getLogger(AuditPublisher.class);

  private final MutinyEmitter<String> emitter;
  private final AtomicLong lost = new AtomicLong();

  public AuditPublisher(@Channel("audit") MutinyEmitter<String> emitter) {
    this.emitter = emitter;
  }

  /** Everything known about one finished OSB request (httpStatus null: no answer). */
  public record OsbCall(
      String broker,
      String brokerKey,
      String operation,
      String method,
      String path,
      String requestIdentity,
      Integer httpStatus,
      String error,
      long durationMs,
      String apiVersion,
      String resourceUid,
      String subject) {}

  public void osbCall(OsbCall call) {
    ObjectNode data = Json.MAPPER.createObjectNode();
    data.put("broker", call.broker());
    data.put("brokerRef", call.brokerKey());
    data.put("operation", call.operation());
    data.put("method", call.method());
    data.put("path", call.path());
    data.put("requestIdentity", call.requestIdentity());
    if (call.httpStatus() != null) {
      data.put("httpStatus", call.httpStatus());
    } else {
      data.putNull("httpStatus");
    }
    if (call.error() != null) {
      data.put("error", call.error());
    }
    data.put("durationMs", call.durationMs());
    data.put("apiVersion", call.apiVersion());
    if (call.resourceUid() != null) {
      data.put("uid", call.resourceUid());
    }
    AuditEvent event = AuditEvent.of(ResultPublisher.SOURCE, TYPE_OSB_CALL, call.subject(), data);
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(event);
    } catch (Exception e) {
      lost.incrementAndGet();
      return;
    }
    String key = call.resourceUid() != null ? call.resourceUid() : call.brokerKey();
    Message<String> message =
        Message.of(json).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
    Uni<Void> sent;
    try {
      sent = emitter.sendMessage(message);
    } catch (RuntimeException e) {
      noteLost(e);
      return;
    }
    sent.subscribe().with(x -> {}, this::noteLost);
  }

  private void noteLost(Throwable e) {
    if (lost.getAndIncrement() % 100 == 0) {
      LOG.warnf("Audit record of an OSB call not published (%d so far): %s", lost.get(), e.toString());
    }
  }

  public long lost() {
    return lost.get();
  }
}
