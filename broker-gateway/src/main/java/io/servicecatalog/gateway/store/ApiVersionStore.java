package io.servicecatalog.gateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The OSB API version each broker accepted after a 412 ({@code broker_gateway.broker_api_versions}),
 * so a restarted process or another replica starts with it instead of negotiating again.
 */
@ApplicationScoped
public class ApiVersionStore {
  static final String TABLE = "broker_gateway.broker_api_versions";

  private final Pool pool;

  public ApiVersionStore(Pool pool) {
    this.pool = pool;
  }

  /** The remembered version of a broker, or null. */
  public Uni<String> find(String brokerKey) {
    return pool.preparedQuery("SELECT api_version FROM " + TABLE + " WHERE broker_key = $1")
        .execute(Tuple.of(brokerKey))
        .map(rows -> {
          RowIterator<Row> it = rows.iterator();
          return it.hasNext() ? it.next().getString("api_version") : null;
        });
  }

  public Uni<Void> save(String brokerKey, String version) {
    return pool.preparedQuery("INSERT INTO " + TABLE + " (broker_key, api_version, updated_at) VALUES ($1, $2, now())"
            + " ON CONFLICT (broker_key) DO UPDATE SET api_version = EXCLUDED.api_version, updated_at = now()")
        .execute(Tuple.of(brokerKey, version))
        .replaceWithVoid();
  }
}
