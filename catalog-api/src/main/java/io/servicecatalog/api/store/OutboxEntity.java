package io.servicecatalog.api.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** An event waiting to be published; written in the transaction of the change it describes. */
@Entity
@Table(name = "outbox")
public class OutboxEntity extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  public String topic;

  @Column(name = "message_key")
  public String messageKey;

  public String payload;

  /** The change's resourceVersion: watches resume from it. */
  @Column(name = "resource_version")
  public Long resourceVersion;

  public String kind;

  /** Empty for cluster-scoped kinds. */
  public String namespace;

  /** Null until Kafka acknowledged the record; kept a while afterwards as watch history. */
  @Column(name = "published_at")
  public OffsetDateTime publishedAt;

  @Column(name = "created_at", insertable = false, updatable = false)
  public OffsetDateTime createdAt;
}
