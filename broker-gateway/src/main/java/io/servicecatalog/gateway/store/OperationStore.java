package io.servicecatalog.gateway.store;

import io.servicecatalog.gateway.store.OperationRecord.AfterOrphanMitigation;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Reactive access to {@code broker_gateway.operations}. Every write of a worker is guarded by
 * its lease, so a replica that lost a lease (paused too long) cannot overwrite the row another
 * replica now owns.
 */
@ApplicationScoped
public class OperationStore {
  static final String TABLE = "broker_gateway.operations";
  private static final String ACTIVE = "('PENDING','POLLING','ORPHAN_MITIGATION','OM_POLLING')";

  private final Pool pool;

  public OperationStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Records that a resource needs an operation. Inserts the row if absent; re-arms a row that
   * was cancelled, or that failed or is still waiting for an older generation. Anything else
   * (already sent, polling, finished) is left alone, so the same event twice changes nothing.
   * Returns true when a row is now pending because of this call.
   */
  public Uni<Boolean> ensure(NewOperation n, Duration retryWindow) {
    Instant now = Instant.now();
    String sql =
        "INSERT INTO " + TABLE + " AS o (resource_kind, resource_namespace, resource_name, resource_uid,"
            + " operation, op_key, generation, state, attempts, next_attempt_at, started_at, retry_deadline)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7, 'PENDING', 0, $8, $8, $9)"
            + " ON CONFLICT (resource_uid, operation, op_key) DO UPDATE SET"
            + " generation = EXCLUDED.generation, resource_name = EXCLUDED.resource_name,"
            + " state = 'PENDING', attempts = 0, next_attempt_at = EXCLUDED.next_attempt_at,"
            + " started_at = EXCLUDED.started_at, retry_deadline = EXCLUDED.retry_deadline,"
            + " terminal = FALSE, reason = NULL, message = NULL, om_then = NULL, operation_token = NULL,"
            + " last_description = NULL, poll_interval_ms = NULL, poll_deadline = NULL, finished_at = NULL,"
            + " updated_at = now()"
            + " WHERE (o.lease_until IS NULL OR o.lease_until < $8)"
            + "   AND (o.state = 'CANCELLED'"
            + "     OR (o.state IN ('FAILED', 'PENDING') AND o.generation < EXCLUDED.generation))"
            + " RETURNING id";
    Tuple t =
        Tuple.tuple(
            Arrays.asList(
                n.resourceKind(),
                n.resourceNamespace(),
                n.resourceName(),
                n.resourceUid(),
                n.operation().name(),
                n.opKey(),
                n.generation(),
                ts(now),
                ts(now.plus(retryWindow))));
    return pool.preparedQuery(sql).execute(t).map(rows -> rows.rowCount() > 0);
  }

  /**
   * Claims up to {@code limit} due rows for {@code owner}: each is leased until {@code
   * leaseUntil} and no other claimer gets it while the lease holds ({@code FOR UPDATE SKIP
   * LOCKED} makes concurrent claims pass each other instead of waiting or double-claiming).
   * {@code dueBefore} is normally now.
   */
  public Uni<List<OperationRecord>> claim(String owner, int limit, Instant dueBefore, Duration lease) {
    Instant now = Instant.now();
    String sql =
        "UPDATE " + TABLE + " SET lease_owner = $1, lease_until = $2, updated_at = now()"
            + " WHERE id IN (SELECT id FROM " + TABLE
            + "   WHERE state IN " + ACTIVE
            + "     AND next_attempt_at <= $3"
            + "     AND (lease_until IS NULL OR lease_until < $4)"
            + "   ORDER BY next_attempt_at LIMIT $5 FOR UPDATE SKIP LOCKED)"
            + " RETURNING *";
    return pool.preparedQuery(sql)
        .execute(Tuple.of(owner, ts(now.plus(lease)), ts(dueBefore), ts(now), limit))
        .map(OperationStore::records);
  }

  /** Extends the leases this owner holds on {@code ids} (work still running). */
  public Uni<Integer> renewLeases(String owner, Collection<Long> ids, Duration lease) {
    if (ids.isEmpty()) {
      return Uni.createFrom().item(0);
    }
    return pool.preparedQuery(
            "UPDATE " + TABLE + " SET lease_until = $1 WHERE lease_owner = $2 AND id = ANY($3)")
        .execute(Tuple.of(ts(Instant.now().plus(lease)), owner, ids.toArray(new Long[0])))
        .map(RowSet::rowCount);
  }

  /**
   * Drops every lease held by {@code owner}: used at start by a process whose owner id is
   * stable (e.g. the pod name), so it resumes its own rows at once instead of after expiry.
   */
  public Uni<Integer> releaseAll(String owner) {
    return pool.preparedQuery("UPDATE " + TABLE + " SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1")
        .execute(Tuple.of(owner))
        .map(RowSet::rowCount);
  }

  /** Gives a leased row back without changing it (e.g. a step failed unexpectedly). */
  public Uni<Boolean> release(long id, String owner, Instant nextAttemptAt) {
    return pool.preparedQuery(
            "UPDATE " + TABLE + " SET lease_owner = NULL, lease_until = NULL, next_attempt_at = $1,"
                + " updated_at = now() WHERE id = $2 AND lease_owner = $3")
        .execute(Tuple.of(ts(nextAttemptAt), id, owner))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Writes the outcome of a step and gives the lease back. False when the lease was lost
   * (another worker owns the row now): the caller's step result is then discarded.
   */
  public Uni<Boolean> save(OperationRecord r, String owner) {
    String sql =
        "UPDATE " + TABLE + " SET state = $1, broker_name = $2, broker_url = $3, broker_insecure = $4,"
            + " broker_ca_bundle = $5, auth_type = $6, auth_secret_namespace = $7, auth_secret_name = $8,"
            + " instance_id = $9, binding_id = $10, service_id = $11, plan_id = $12,"
            + " originating_identity = $13, operation_token = $14, dashboard_url = $15,"
            + " last_description = $16, poll_interval_ms = $17, poll_deadline = $18, om_then = $19,"
            + " request_identity = $20, http_status = $21, reason = $22, message = $23, terminal = $24,"
            + " attempts = $25, next_attempt_at = $26, started_at = $27, retry_deadline = $28,"
            + " finished_at = $29, lease_owner = NULL, lease_until = NULL, updated_at = now()"
            + " WHERE id = $30 AND lease_owner = $31";
    List<Object> v = new ArrayList<>(31);
    v.add(r.state.name());
    v.add(r.brokerName);
    v.add(r.brokerUrl);
    v.add(r.brokerInsecure);
    v.add(r.brokerCaBundle);
    v.add(r.authType);
    v.add(r.authSecretNamespace);
    v.add(r.authSecretName);
    v.add(r.instanceId);
    v.add(r.bindingId);
    v.add(r.serviceId);
    v.add(r.planId);
    v.add(r.originatingIdentity);
    v.add(r.operationToken);
    v.add(r.dashboardUrl);
    v.add(r.lastDescription);
    v.add(r.pollIntervalMs);
    v.add(ts(r.pollDeadline));
    v.add(r.omThen == null ? null : r.omThen.name());
    v.add(r.requestIdentity);
    v.add(r.httpStatus);
    v.add(r.reason);
    v.add(r.message);
    v.add(r.terminal);
    v.add(r.attempts);
    v.add(ts(r.nextAttemptAt));
    v.add(ts(r.startedAt));
    v.add(ts(r.retryDeadline));
    v.add(ts(r.finishedAt));
    v.add(r.id);
    v.add(owner);
    return pool.preparedQuery(sql).execute(Tuple.tuple(v)).map(rows -> rows.rowCount() == 1);
  }

  public Uni<OperationRecord> find(String resourceUid, Operation operation, String opKey) {
    return pool.preparedQuery(
            "SELECT * FROM " + TABLE + " WHERE resource_uid = $1 AND operation = $2 AND op_key = $3")
        .execute(Tuple.of(resourceUid, operation.name(), opKey))
        .map(rows -> first(records(rows)));
  }

  public Uni<List<OperationRecord>> findByResource(String resourceUid) {
    return pool.preparedQuery("SELECT * FROM " + TABLE + " WHERE resource_uid = $1 ORDER BY id")
        .execute(Tuple.of(resourceUid))
        .map(OperationStore::records);
  }

  public Uni<List<OperationRecord>> list(OperationState state, int limit) {
    if (state == null) {
      return pool.preparedQuery("SELECT * FROM " + TABLE + " ORDER BY updated_at DESC LIMIT $1")
          .execute(Tuple.of(limit))
          .map(OperationStore::records);
    }
    return pool.preparedQuery("SELECT * FROM " + TABLE + " WHERE state = $1 ORDER BY updated_at DESC LIMIT $2")
        .execute(Tuple.of(state.name(), limit))
        .map(OperationStore::records);
  }

  public Uni<Long> countByState(OperationState state) {
    return pool.preparedQuery("SELECT count(*) FROM " + TABLE + " WHERE state = $1")
        .execute(Tuple.of(state.name()))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Forgets finished work older than {@code before}: catalog fetches, and every row of a
   * resource whose deprovision or unbind finished (the resource is gone).
   */
  public Uni<Integer> purgeFinished(Instant before) {
    String sql =
        "DELETE FROM " + TABLE + " o WHERE o.state NOT IN " + ACTIVE
            + " AND (o.operation = 'FETCH_CATALOG' AND o.finished_at < $1"
            + "   OR EXISTS (SELECT 1 FROM " + TABLE + " d WHERE d.resource_uid = o.resource_uid"
            + "     AND d.operation IN ('DEPROVISION', 'UNBIND') AND d.state = 'SUCCEEDED' AND d.finished_at < $1))";
    return pool.preparedQuery(sql).execute(Tuple.of(ts(before))).map(RowSet::rowCount);
  }

  // --- mapping ---------------------------------------------------------------------------

  private static OperationRecord first(List<OperationRecord> list) {
    return list.isEmpty() ? null : list.get(0);
  }

  private static List<OperationRecord> records(RowSet<Row> rows) {
    List<OperationRecord> out = new ArrayList<>();
    for (Row row : rows) {
      out.add(map(row));
    }
    return out;
  }

  static OperationRecord map(Row row) {
    OperationRecord r = new OperationRecord();
    r.id = row.getLong("id");
    r.resourceKind = row.getString("resource_kind");
    r.resourceNamespace = row.getString("resource_namespace");
    r.resourceName = row.getString("resource_name");
    r.resourceUid = row.getString("resource_uid");
    r.operation = Operation.valueOf(row.getString("operation"));
    r.opKey = row.getString("op_key");
    r.generation = row.getLong("generation");
    r.state = OperationState.valueOf(row.getString("state"));
    r.brokerName = row.getString("broker_name");
    r.brokerUrl = row.getString("broker_url");
    r.brokerInsecure = Boolean.TRUE.equals(row.getBoolean("broker_insecure"));
    r.brokerCaBundle = row.getString("broker_ca_bundle");
    r.authType = row.getString("auth_type");
    r.authSecretNamespace = row.getString("auth_secret_namespace");
    r.authSecretName = row.getString("auth_secret_name");
    r.instanceId = row.getString("instance_id");
    r.bindingId = row.getString("binding_id");
    r.serviceId = row.getString("service_id");
    r.planId = row.getString("plan_id");
    r.originatingIdentity = row.getString("originating_identity");
    r.operationToken = row.getString("operation_token");
    r.dashboardUrl = row.getString("dashboard_url");
    r.lastDescription = row.getString("last_description");
    r.pollIntervalMs = row.getLong("poll_interval_ms");
    r.pollDeadline = instant(row.getOffsetDateTime("poll_deadline"));
    String om = row.getString("om_then");
    r.omThen = om == null ? null : AfterOrphanMitigation.valueOf(om);
    r.requestIdentity = row.getString("request_identity");
    r.httpStatus = row.getInteger("http_status");
    r.reason = row.getString("reason");
    r.message = row.getString("message");
    r.terminal = Boolean.TRUE.equals(row.getBoolean("terminal"));
    r.attempts = row.getInteger("attempts");
    r.nextAttemptAt = instant(row.getOffsetDateTime("next_attempt_at"));
    r.startedAt = instant(row.getOffsetDateTime("started_at"));
    r.retryDeadline = instant(row.getOffsetDateTime("retry_deadline"));
    r.leaseOwner = row.getString("lease_owner");
    r.leaseUntil = instant(row.getOffsetDateTime("lease_until"));
    r.createdAt = instant(row.getOffsetDateTime("created_at"));
    r.updatedAt = instant(row.getOffsetDateTime("updated_at"));
    r.finishedAt = instant(row.getOffsetDateTime("finished_at"));
    return r;
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  static OffsetDateTime ts(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }
}
