package io.servicecatalog.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A Java Flight Recording of another JVM, started and dumped with jcmd (profile settings). */
final class Jfr {
    private final long pid;
    private final String name;

    private Jfr(long pid, String name) {
        this.pid = pid;
        this.name = name;
    }

    static Jfr start(long pid, String name) throws IOException, InterruptedException {
        jcmd(pid, "JFR.start", "name=" + name, "settings=profile");
        return new Jfr(pid, name);
    }

    /** Dumps to {@code file} and stops; returns the file's path for the results. */
    String stop(Path file) throws IOException, InterruptedException {
        String f = file.toAbsolutePath().toString();
        jcmd(pid, "JFR.dump", "name=" + name, "filename=" + f);
        jcmd(pid, "JFR.stop", "name=" + name);
        ScaleBenchmark.say("JFR recording " + f + " (jfr print --events jdk.ExecutionSample " + f + ")");
        return f;
    }

    private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || output.contains("Could not")) {
            throw new IOException(String.join(" ", cmd) + " failed: " + output.strip());
        }
    }
}
