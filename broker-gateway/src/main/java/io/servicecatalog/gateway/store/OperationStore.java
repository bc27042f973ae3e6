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
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * Reactive access to {@code broker_gateway.operations}. Every write of a worker is guarded by
 * its lease, so a replica that lost a lease (paused too long) cannot overwrite the row another
 * replica now owns.
 */
@ApplicationScoped
public class OperationStore {
  static final String TABLE = "broker_gateway.operations";
  static final String ACTIVE = "('PENDING','SENT','POLLING','ORPHAN_MITIGATION','OM_POLLING')";
  /** Any constant: claims of all replicas take this transaction-scoped advisory lock in turn. */
  private static final long CLAIM_LOCK = 0x05C_0A7E_1L;

  /** The columns a step may change, in the order {@link #values} produces them. */
  private static final List<String> STEP_COLUMNS = List.of(
      "state", "generation", "resource_name", "broker_name", "broker_url", "broker_insecure", "broker_ca_bundle",
      "auth_type", "auth_secret_namespace", "auth_secret_name", "instance_id", "binding_id", "service_id", "plan_id",
      "originating_identity", "operation_token", "dashboard_url", "last_description", "poll_interval_ms",
      "poll_deadline", "om_then", "request_identity", "http_status", "reason", "message", "terminal", "attempts",
      "next_attempt_at", "started_at", "retry_deadline", "finished_at", "serial_key", "broker_kind",
      "broker_namespace", "request_timeout_ms", "previous_plan_id", "plan_change", "maintenance_version",
      "previous_maintenance_version", "parameters_checksum", "predecessor_binding_id", "rotation_requests",
      "expires_at", "renew_before", "instance_usable", "update_repeatable", "max_polling_seconds");

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
    Instant due = n.notBefore() == null || n.notBefore().isBefore(now) ? now : n.notBefore();
    String sql =
        "INSERT INTO " + TABLE + " AS o (resource_kind, resource_namespace, resource_name, resource_uid,"
            + " operation, op_key, generation, state, attempts, next_attempt_at, started_at, retry_deadline, serial_key)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7, 'PENDING', 0, $8, $9, $10, $11)"
            + " ON CONFLICT (resource_uid, operation, op_key) DO UPDATE SET"
            + " generation = EXCLUDED.generation, resource_name = EXCLUDED.resource_name,"
            + " state = 'PENDING', attempts = 0, next_attempt_at = EXCLUDED.next_attempt_at,"
            + " started_at = EXCLUDED.started_at, retry_deadline = EXCLUDED.retry_deadline,"
            + " serial_key = EXCLUDED.serial_key,"
            + " terminal = FALSE, reason = NULL, message = NULL, om_then = NULL, operation_token = NULL,"
            + " last_description = NULL, poll_interval_ms = NULL, poll_deadline = NULL, finished_at = NULL,"
            + " updated_at = now()"
            + " WHERE (o.lease_until IS NULL OR o.lease_until < $9)"
            + "   AND (o.state = 'CANCELLED'"
            + "     OR (o.state IN ('FAILED', 'PENDING') AND o.generation < EXCLUDED.generation)"
            + "     OR ($12::timestamptz IS NOT NULL AND o.state IN ('SUCCEEDED', 'FAILED') AND o.finished_at < $12))"
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
                ts(due),
                ts(now),
                ts(now.plus(retryWindow)),
                n.serialKey(),
                ts(n.rearmFinishedBefore())));
    return pool.preparedQuery(sql).execute(t).map(rows -> rows.rowCount() > 0);
  }

  /**
   * Inserts a fully prepared row (a predecessor unbind, a scheduled rotation) unless one with
   * the same (uid, operation, key) exists. True when inserted.
   */
  public Uni<Boolean> insert(OperationRecord r) {
    List<String> cols = new ArrayList<>(List.of("resource_kind", "resource_namespace", "resource_uid", "operation", "op_key"));
    cols.addAll(STEP_COLUMNS);
    StringJoiner names = new StringJoiner(", ");
    StringJoiner params = new StringJoiner(", ");
    for (int i = 0; i < cols.size(); i++) {
      names.add(cols.get(i));
      params.add("$" + (i + 1));
    }
    List<Object> v = new ArrayList<>(Arrays.asList(r.resourceKind, r.resourceNamespace, r.resourceUid, r.operation.name(), r.opKey));
    v.addAll(values(r));
    String sql = "INSERT INTO " + TABLE + " (" + names + ") VALUES (" + params + ")"
        + " ON CONFLICT (resource_uid, operation, op_key) DO NOTHING RETURNING id";
    return pool.preparedQuery(sql).execute(Tuple.tuple(v)).map(rows -> rows.rowCount() > 0);
  }

  /**
   * Claims up to {@code limit} due rows for {@code owner}: each is leased until now + {@code
   * lease} and no other claimer gets it while the lease holds. Rows sharing a serial key (an
   * instance and its bindings) are handed out one at a time, and not at all while another of
   * them is on the wire, polled or orphan-mitigated; a deprovision alone may pass a poll (delete
   * during an in-flight provision or update). Claims of all replicas are serialized by a
   * transaction-scoped advisory lock, so two claimers never pick two rows of one instance.
   * {@code dueBefore} is normally now.
   */
  public Uni<List<OperationRecord>> claim(String owner, int limit, Instant dueBefore, Duration lease) {
    Instant now = Instant.now();
    String sql =
        "UPDATE " + TABLE + " SET lease_owner = $1, lease_until = $2, updated_at = now()"
            + " WHERE id IN (SELECT id FROM ("
            + "   SELECT o.id, o.next_attempt_at, row_number() OVER"
            + "     (PARTITION BY COALESCE(o.serial_key, 'id:' || o.id) ORDER BY o.next_attempt_at, o.id) AS rn"
            + "   FROM " + TABLE + " o"
            + "   WHERE o.state IN " + ACTIVE
            + "     AND o.next_attempt_at <= $3"
            + "     AND (o.lease_until IS NULL OR o.lease_until < $4)"
            + "     AND (o.serial_key IS NULL OR NOT EXISTS (SELECT 1 FROM " + TABLE + " s"
            + "       WHERE s.serial_key = o.serial_key AND s.id <> o.id AND s.state IN " + ACTIVE
            + "         AND ((s.lease_until IS NOT NULL AND s.lease_until >= $4)"
            + "           OR s.state IN ('SENT', 'ORPHAN_MITIGATION', 'OM_POLLING')"
            + "           OR (s.state = 'POLLING' AND o.operation <> 'DEPROVISION'))))"
            + " ) c WHERE c.rn = 1 ORDER BY c.next_attempt_at LIMIT $5)"
            + " RETURNING *";
    Tuple t = Tuple.of(owner, ts(now.plus(lease)), ts(dueBefore), ts(now), limit);
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(CLAIM_LOCK))
            .flatMap(x -> conn.preparedQuery(sql).execute(t)))
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
    return write(r, owner, true);
  }

  /**
   * Writes the row in the middle of a step and keeps the lease (e.g. SENT before a create
   * request goes out). False when the lease was lost: the caller must not send.
   */
  public Uni<Boolean> checkpoint(OperationRecord r, String owner) {
    return write(r, owner, false);
  }

  private Uni<Boolean> write(OperationRecord r, String owner, boolean releaseLease) {
    StringJoiner set = new StringJoiner(", ");
    for (int i = 0; i < STEP_COLUMNS.size(); i++) {
      set.add(STEP_COLUMNS.get(i) + " = $" + (i + 1));
    }
    int n = STEP_COLUMNS.size();
    String sql = "UPDATE " + TABLE + " SET " + set + ", last_worker = $" + (n + 3)
        + (releaseLease ? ", lease_owner = NULL, lease_until = NULL" : "")
        + ", updated_at = now() WHERE id = $" + (n + 1) + " AND lease_owner = $" + (n + 2);
    List<Object> v = values(r);
    v.add(r.id);
    v.add(owner);
    v.add(owner);
    return pool.preparedQuery(sql).execute(Tuple.tuple(v)).map(rows -> rows.rowCount() == 1);
  }

  private static List<Object> values(OperationRecord r) {
    List<Object> v = new ArrayList<>(STEP_COLUMNS.size() + 3);
    v.add(r.state.name());
    v.add(r.generation);
    v.add(r.resourceName);
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
    v.add(ts(r.nextAttemptAt == null ? Instant.now() : r.nextAttemptAt));
    v.add(ts(r.startedAt == null ? Instant.now() : r.startedAt));
    v.add(ts(r.retryDeadline == null ? Instant.now().plus(Duration.ofDays(7)) : r.retryDeadline));
    v.add(ts(r.finishedAt));
    v.add(r.serialKey);
    v.add(r.brokerKind);
    v.add(r.brokerNamespace);
    v.add(r.requestTimeoutMs);
    v.add(r.previousPlanId);
    v.add(r.planChange);
    v.add(r.maintenanceVersion);
    v.add(r.previousMaintenanceVersion);
    v.add(r.parametersChecksum);
    v.add(r.predecessorBindingId);
    v.add(r.rotationRequests);
    v.add(ts(r.expiresAt));
    v.add(ts(r.renewBefore));
    v.add(r.instanceUsable);
    v.add(r.updateRepeatable);
    v.add(r.maxPollingSeconds);
    return v;
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

  /**
   * The last operation of {@code operations} that succeeded for the resource (by finish time),
   * e.g. the provision or update that put the instance in its current state, or the bind or
   * rotation whose binding id is the current one. Null when none did.
   */
  public Uni<OperationRecord> lastSucceeded(String resourceUid, Operation... operations) {
    String[] names = Arrays.stream(operations).map(Enum::name).toArray(String[]::new);
    return pool.preparedQuery("SELECT * FROM " + TABLE + " WHERE resource_uid = $1 AND operation = ANY($2)"
            + " AND state = 'SUCCEEDED' ORDER BY finished_at DESC, id DESC LIMIT 1")
        .execute(Tuple.of(resourceUid, names))
        .map(rows -> first(records(rows)));
  }

  /**
   * Ends the polling of provisions and updates of an instance once its deprovision was accepted:
   * their outcome no longer matters. Leased rows are left alone (the claim keeps a deprovision
   * from running while one is). Returns how many were cancelled.
   */
  public Uni<Integer> cancelPollingFor(String serialKey, String why) {
    if (serialKey == null) {
      return Uni.createFrom().item(0);
    }
    return pool.preparedQuery("UPDATE " + TABLE + " SET state = 'CANCELLED', message = $2, finished_at = now(),"
            + " operation_token = NULL, updated_at = now() WHERE serial_key = $1"
            + " AND operation IN ('PROVISION', 'UPDATE', 'FETCH_INSTANCE') AND state IN ('POLLING', 'PENDING')"
            + " AND (lease_until IS NULL OR lease_until < now())")
        .execute(Tuple.of(serialKey, why))
        .map(RowSet::rowCount);
  }

  /** Makes pending predecessor unbinds of a binding due now (the binding itself is being unbound). */
  public Uni<Integer> hurryPredecessorUnbinds(String resourceUid) {
    return pool.preparedQuery("UPDATE " + TABLE + " SET next_attempt_at = now(), updated_at = now()"
            + " WHERE resource_uid = $1 AND operation = 'UNBIND_PREDECESSOR' AND state = 'PENDING'")
        .execute(Tuple.of(resourceUid))
        .map(RowSet::rowCount);
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
   * Forgets finished work older than {@code before}: catalog fetches and drift checks, and every
   * row of a resource whose deprovision or unbind finished (the resource is gone).
   */
  public Uni<Integer> purgeFinished(Instant before) {
    String sql =
        "DELETE FROM " + TABLE + " o WHERE o.state NOT IN " + ACTIVE
            + " AND (o.operation IN ('FETCH_CATALOG', 'FETCH_INSTANCE') AND o.finished_at < $1"
            + "   OR EXISTS (SELECT 1 FROM " + TABLE + " d WHERE d.resource_uid = o.resource_uid"
            + "     AND d.operation IN ('DEPROVISION', 'UNBIND') AND d.state = 'SUCCEEDED' AND d.finished_at < $1))";
    return pool.preparedQuery(sql).execute(Tuple.of(ts(before))).map(RowSet::rowCount);
  }

  /** Runs {@code work} in one transaction (tests and maintenance). */
  public <T> Uni<T> inTransaction(Function<io.vertx.mutiny.sqlclient.SqlConnection, Uni<T>> work) {
    return pool.withTransaction(work);
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
    r.serialKey = row.getString("serial_key");
    r.brokerKind = row.getString("broker_kind");
    r.brokerNamespace = row.getString("broker_namespace");
    r.requestTimeoutMs = row.getLong("request_timeout_ms");
    r.previousPlanId = row.getString("previous_plan_id");
    r.planChange = row.getBoolean("plan_change");
    r.maintenanceVersion = row.getString("maintenance_version");
    r.previousMaintenanceVersion = row.getString("previous_maintenance_version");
    r.parametersChecksum = row.getString("parameters_checksum");
    r.predecessorBindingId = row.getString("predecessor_binding_id");
    r.rotationRequests = row.getLong("rotation_requests");
    r.expiresAt = instant(row.getOffsetDateTime("expires_at"));
    r.renewBefore = instant(row.getOffsetDateTime("renew_before"));
    r.instanceUsable = row.getBoolean("instance_usable");
    r.updateRepeatable = row.getBoolean("update_repeatable");
    r.maxPollingSeconds = row.getLong("max_polling_seconds");
    r.lastWorker = row.getString("last_worker");
    return r;
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  static OffsetDateTime ts(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }
}
