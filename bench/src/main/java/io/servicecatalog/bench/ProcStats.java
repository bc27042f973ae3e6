package io.servicecatalog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak RSS and CPU time of a process from Linux /proc (no-ops elsewhere). */
final class ProcStats {

    /** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every mainstream Linux). */
    static final long CLOCK_TICKS = 100;

    private ProcStats() {
    }

    /** VmHWM in KiB, or -1 when unreadable. */
    static long peakRssKib(long pid) {
        return statusField(pid, "VmHWM:");
    }

    /** VmRSS in KiB, or -1 when unreadable. */
    static long rssKib(long pid) {
        return statusField(pid, "VmRSS:");
    }

    private static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone or not Linux
        }
        return -1;
    }

    /** utime + stime in milliseconds, or -1 when unreadable. */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // the command name (field 2) may contain spaces; fields after the closing paren are safe
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // f[0] is field 3 (state); utime is field 14, stime field 15
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 1000 / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
