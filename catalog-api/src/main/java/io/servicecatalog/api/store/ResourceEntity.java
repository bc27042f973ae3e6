package io.servicecatalog.api.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** One stored catalog object. The JSON body is the source of truth; the columns index it. */
@Entity
@Table(name = "resources")
public class ResourceEntity extends PanacheEntityBase {
  @Id public UUID uid;

  public String kind;

  /** Empty for cluster-scoped kinds, so the unique key works without NULL semantics. */
  public String namespace;

  public String name;

  @Column(name = "resource_version")
  public long resourceVersion;

  public long generation;

  @Column(name = "owner_name")
  public String ownerName;

  public String body;
}
