package io.servicecatalog.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What catalog-api wrote between two points: PostgreSQL's per-table tuple counters
 * (pg_stat_user_tables, flushed by the backends with a delay of up to ~10 s), and exactly, the
 * resources rows that got a newer resourceVersion and the outbox rows appended, by kind/topic.
 */
record WriteCounters(Map<String, long[]> tupleCounters, long maxResourceVersion, long maxOutboxId) {

    static final String SCHEMA = "catalog_api";

    static WriteCounters read(Connection db) throws SQLException {
        Map<String, long[]> t = new LinkedHashMap<>();
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("select relname, n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables"
                     + " where schemaname = '" + SCHEMA + "' and relname in ('resources', 'outbox') order by relname")) {
            while (rs.next()) {
                t.put(rs.getString(1), new long[]{rs.getLong(2), rs.getLong(3), rs.getLong(4)});
            }
        }
        return new WriteCounters(t,
                ScaleBenchmark.queryLong(db, "select coalesce(max(resource_version), 0) from " + SCHEMA + ".resources"),
                ScaleBenchmark.queryLong(db, "select coalesce(max(id), 0) from " + SCHEMA + ".outbox"));
    }

    /** The writes since {@code start}, read now. */
    static Map<String, Object> since(Connection db, WriteCounters start) throws SQLException {
        WriteCounters now = read(db);
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> stats = new LinkedHashMap<>();
        now.tupleCounters.forEach((table, v) -> {
            long[] s = start.tupleCounters.getOrDefault(table, new long[3]);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("inserted", v[0] - s[0]);
            d.put("updated", v[1] - s[1]);
            d.put("deleted", v[2] - s[2]);
            stats.put(table, d);
        });
        m.put("pg_stat_user_tables", stats);
        Map<String, Object> resources = new LinkedHashMap<>();
        long total = 0;
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("select kind, count(*) from " + SCHEMA + ".resources where resource_version > "
                     + start.maxResourceVersion + " group by kind order by kind")) {
            while (rs.next()) {
                resources.put(rs.getString(1), rs.getLong(2));
                total += rs.getLong(2);
            }
        }
        m.put("resources_rows_written", total);
        m.put("resources_rows_written_by_kind", resources);
        Map<String, Object> outbox = new LinkedHashMap<>();
        long added = 0;
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("select topic || coalesce(' ' || kind, ''), count(*) from " + SCHEMA
                     + ".outbox where id > " + start.maxOutboxId + " group by 1 order by 1")) {
            while (rs.next()) {
                outbox.put(rs.getString(1), rs.getLong(2));
                added += rs.getLong(2);
            }
        }
        m.put("outbox_rows_added", added);
        m.put("outbox_rows_added_by_topic_kind", outbox);
        return m;
    }
}
