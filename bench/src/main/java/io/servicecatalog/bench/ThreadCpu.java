package io.servicecatalog.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of this JVM's threads, grouped by name with the numbers taken out, so the benchmark
 * can say which of the parts it hosts (embedded Kafka, the Kubernetes API stand-in, the broker,
 * the driver) used the CPU it reports for itself. Threads that ended in between are not counted.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> before = new HashMap<>();

    private ThreadCpu() {
    }

    static ThreadCpu start() {
        ThreadCpu t = new ThreadCpu();
        for (long id : THREADS.getAllThreadIds()) {
            t.before.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
        }
        return t;
    }

    /** Milliseconds per thread group since {@link #start()}, largest first, the smallest folded into "other". */
    Map<String, Long> stop(int top) {
        Map<String, Long> byGroup = new HashMap<>();
        for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long now = THREADS.getThreadCpuTime(info.getThreadId());
            if (now < 0) {
                continue;
            }
            long ms = (now - before.getOrDefault(info.getThreadId(), 0L)) / 1_000_000;
            byGroup.merge(group(info.getThreadName()), ms, Long::sum);
        }
        Map<String, Long> out = new LinkedHashMap<>();
        long other = 0;
        int n = 0;
        for (var e : byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList()) {
            if (n++ < top) {
                out.put(e.getKey(), e.getValue());
            } else {
                other += e.getValue();
            }
        }
        out.put("other", other);
        return out;
    }

    static String group(String threadName) {
        return threadName.replaceAll("\\d+", "#");
    }

    static {
        if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
    }
}
