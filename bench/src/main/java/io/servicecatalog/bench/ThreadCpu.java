package io.servicecatalog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of a process's threads from /proc/<pid>/task, grouped by thread name (as the kernel
 * keeps it: 15 characters) with the numbers taken out, so the benchmark can say which of the
 * parts it hosts used the CPU it reports for itself: embedded Kafka, the Kubernetes API stand-in,
 * the broker, the driver, and the JVM's own JIT compiler and GC threads. Threads that ended in
 * between are not counted. Empty where there is no /proc.
 */
final class ThreadCpu {
    private final String pid;
    private final Map<String, Long> before;

    private ThreadCpu(String pid, Map<String, Long> before) {
        this.pid = pid;
        this.before = before;
    }

    /** This JVM's threads. */
    static ThreadCpu start() {
        return start("self");
    }

    /** The threads of process {@code pid} ("self" for this one). */
    static ThreadCpu start(String pid) {
        return new ThreadCpu(pid, ticksByTask(pid, new HashMap<>()));
    }

    /** Milliseconds per thread group since {@link #start()}, largest first, the smallest folded into "other". */
    Map<String, Long> stop(int top) {
        Map<String, String> names = new HashMap<>();
        Map<String, Long> now = ticksByTask(pid, names);
        Map<String, Long> byGroup = new HashMap<>();
        now.forEach((tid, ticks) -> byGroup.merge(names.get(tid).replaceAll("\\d+", "#"),
                (ticks - before.getOrDefault(tid, 0L)) * 1000 / ProcStats.CLOCK_TICKS, Long::sum));
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

    private static Map<String, Long> ticksByTask(String pid, Map<String, String> names) {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", pid, "task"))) {
            tasks.forEach(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                    String tid = t.getFileName().toString();
                    ticks.put(tid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                    names.put(tid, comm);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return ticks;
    }
}
