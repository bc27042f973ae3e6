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

  @Column(name = "created_at", insertable = false, updatable = false)
  public OffsetDateTime createdAt;
}
