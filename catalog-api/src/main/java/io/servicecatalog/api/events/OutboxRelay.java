package io.servicecatalog.api.events;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.servicecatalog.api.store.OutboxEntity;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka in commit order and deletes them once Kafka acknowledged them.
 * A crash between the two re-publishes (at-least-once); consumers are idempotent. An advisory
 * lock keeps a single relay active across replicas, which keeps each resource's events ordered.
 */
@ApplicationScoped
public class OutboxRelay {
  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
  private static final long RELAY_LOCK = 0x5c_0a7b_0001L;
  private static final int BATCH = 200;

  @Inject
  @Channel("resource-events")
  MutinyEmitter<String> emitter;

  @Inject Vertx vertx;

  @org.eclipse.microprofile.config.inject.ConfigProperty(name = "servicecatalog.watch.history-retention", defaultValue = "PT15M")
  java.time.Duration historyRetention;

  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();

  /** Called after a transaction that wrote events committed: publish now rather than at the next tick. */
  public void kick() {
    // A fresh duplicated context: the relay's session must not mix with the caller's.
    Context ctx = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
    VertxContextSafetyToggle.setContextSafe(ctx, true);
    ctx.runOnContext(v -> drain().subscribe().with(x -> {}, f -> LOG.warn("outbox relay failed; will retry", f)));
  }

  /** Safety net: anything a kick missed (or a previous process left) goes out within a second. */
  @Scheduled(every = "${servicecatalog.outbox.poll-interval}", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> tick() {
    return drain().onFailure().invoke(f -> LOG.warn("outbox relay failed; will retry", f))
        .onFailure().recoverWithNull();
  }

  /** Published rows older than the watch-history window go; watches older than that get 410. */
  @Scheduled(every = "1m", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> prune() {
    java.time.OffsetDateTime cutoff = java.time.OffsetDateTime.now().minus(historyRetention);
    return Panache.withTransaction(() -> Panache.getSession().flatMap(s -> s.createNativeQuery(
                "update catalog_api.watch_horizon set pruned_through = greatest(pruned_through, coalesce("
                    + "(select max(resource_version) from catalog_api.outbox where published_at < ?1), 0))")
            .setParameter(1, cutoff).executeUpdate())
        .flatMap(x -> OutboxEntity.delete("publishedAt is not null and publishedAt < ?1", cutoff)))
        .replaceWithVoid()
        .onFailure().invoke(f -> LOG.warn("pruning watch history failed; will retry", f))
        .onFailure().recoverWithNull();
  }

  private Uni<Void> drain() {
    if (!running.compareAndSet(false, true)) {
      again.set(true);
      return Uni.createFrom().voidItem();
    }
    return publishBatch()
        .eventually(() -> running.set(false))
        .flatMap(n -> (n == BATCH || again.getAndSet(false)) ? drain() : Uni.createFrom().voidItem());
  }

  private Uni<Integer> publishBatch() {
    return Panache.withTransaction(() -> Panache.getSession()
        .flatMap(s -> s.createNativeQuery("select pg_try_advisory_xact_lock(" + RELAY_LOCK + ")")
            .getSingleResult())
        .flatMap(locked -> {
          if (!Boolean.TRUE.equals(locked)) {
            return Uni.createFrom().item(0);
          }
          return OutboxEntity.<OutboxEntity>find("publishedAt is null order by id").page(0, BATCH).list()
              .flatMap(rows -> send(rows).replaceWith(rows))
              // Exactly the rows sent: a row with a lower id whose transaction committed after
              // the select (ids are taken before commit) was not sent and must stay unpublished.
              .flatMap(rows -> rows.isEmpty() ? Uni.createFrom().item(0)
                  : OutboxEntity.update("publishedAt = ?1 where id in ?2",
                      java.time.OffsetDateTime.now(), rows.stream().map(r -> r.id).toList())
                      .replaceWith(rows.size()));
        }));
  }

  /**
   * Hands the whole batch to the producer in commit order, then waits for every acknowledgement.
   * The idempotent producer keeps that order per partition (at most 5 requests in flight), so
   * there is no need to wait for one record before sending the next; a failure of any record
   * fails the batch, which is then sent again (consumers are idempotent).
   */
  private Uni<Void> send(List<OutboxEntity> rows) {
    if (rows.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    // Kafka acknowledges on its own threads; the reactive session must resume on its context.
    Context ctx = Vertx.currentContext();
    List<Uni<Void>> acks = new java.util.ArrayList<>(rows.size());
    for (OutboxEntity row : rows) {
      // subscribed now, in this order: the emitter queues them for the producer as they come
      acks.add(emitter.sendMessage(Message.of(row.payload)
              .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                  .withKey(row.messageKey).withTopic(row.topic).build()))
          .memoize().indefinitely());
    }
    acks.forEach(u -> u.subscribe().with(x -> { }, f -> { }));
    return Uni.join().all(acks).andFailFast()
        .emitOn(task -> ctx.runOnContext(v -> task.run()))
        .replaceWithVoid();
  }
}
