package io.servicecatalog.localstack;

import io.servicecatalog.testsupport.EmbeddedKafka;
import io.servicecatalog.testsupport.Ports;
import io.servicecatalog.testsupport.Topics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One product service running as a separate OS process ({@code java ... -jar quarkus-run.jar}).
 *
 * <p>Why separate processes: the services are independent deployables that only share Kafka,
 * PostgreSQL and the Kubernetes API; running them in their own JVMs keeps their class paths and
 * configuration apart and, above all, lets the end-to-end test kill one for real.
 *
 * <p>{@link #kill()} sends SIGKILL on purpose: it is the closest thing to a crashed pod or a
 * lost node - no shutdown hooks, no offset commits, no leaving the consumer group, open DB
 * transactions aborted by the server. That is the failure the product must survive.
 * {@link #stop()} is the polite variant (SIGTERM, Quarkus' graceful shutdown).
 *
 * <p>Configuration is passed as {@code -D} system properties, which Quarkus/SmallRye Config
 * reads with higher priority than {@code application.properties}. Output (stdout+stderr) is
 * appended to a log file, one per service, with a marker line per start.
 *
 * <p>Every started process is also registered with a JVM shutdown hook that terminates it
 * (SIGTERM, then SIGKILL after a few seconds) so an aborted test or Ctrl-C does not leave
 * orphan JVMs holding ports. If the launcher itself is SIGKILLed that hook cannot run; the
 * next start then reports the busy port.
 */
public final class ServiceProcess {

    /** Small heap, serial GC and C1 only: many JVMs share a 2-core machine and start faster so. */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /**
     * What the k8s manifests set too: glibc's malloc keeps up to 8 arenas per core, which in a JVM
     * with many threads is tens of MiB of native memory that is rarely used; two are plenty.
     */
    public static final Map<String, String> DEFAULT_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");
    public static final String DEFAULT_HEALTH_PATH = "/q/health/ready";
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(15);
    private static final int TAIL_LINES = 50;

    private static final Set<ServiceProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ServiceProcess::terminateAll, "service-process-reaper"));
    }

    private final String name;
    private final Path jar;
    private final String classpath;
    private final String mainClass;
    private final int port;
    private final List<String> jvmOptions;
    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final List<String> args;
    private final Path workingDir;
    private final Path logFile;
    private final String healthPath;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private volatile Process process;

    private ServiceProcess(Builder b) {
        this.name = b.name;
        this.jar = b.jar;
        this.classpath = b.classpath;
        this.mainClass = b.mainClass;
        this.port = b.port;
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.systemProperties = Map.copyOf(b.systemProperties);
        this.environment = Map.copyOf(b.environment);
        this.args = List.copyOf(b.args);
        this.workingDir = b.workingDir;
        Path dir = b.logDir != null ? b.logDir : Path.of("target", "local-stack-logs");
        this.logFile = (b.logFile != null ? b.logFile : dir.resolve(name + ".log")).toAbsolutePath();
        this.healthPath = b.healthPath;
    }

    /** Starts building a service process named {@code name} (used for the log file name). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * The full command line (without environment). Secret properties ({@link #isSecret}) are not
     * on it: they reach the service as environment variables (see {@link #secretEnvironment()}),
     * so they show up neither in {@code ps} nor in the line logged at start.
     */
    public List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        systemProperties.forEach((k, v) -> {
            if (!isSecret(k)) {
                cmd.add("-D" + k + "=" + v);
            }
        });
        if (jar != null) {
            cmd.add("-jar");
            cmd.add(jar.toString());
        } else {
            cmd.add("-cp");
            cmd.add(classpath);
            cmd.add(mainClass);
        }
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Launches the process (does not wait for readiness, see {@link #awaitReady}). Fails if it
     * is already running or if its port is taken by someone else.
     */
    public synchronized ServiceProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        if (jar != null && !Files.isRegularFile(jar)) {
            throw new IllegalStateException("Cannot start " + name + ": " + jar + " does not exist. "
                    + "Build the services first, e.g. `mvn -B package -DskipTests` in the repository root.");
        }
        if (port > 0) {
            Ports.requireFree(port, name);
        }
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, System.lineSeparator() + "===== [local-stack] starting " + name + " at "
                    + Instant.now() + ": " + String.join(" ", command()) + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()));
            if (workingDir != null) {
                pb.directory(workingDir.toFile());
            }
            pb.environment().putAll(secretEnvironment());
            pb.environment().putAll(environment);
            process = pb.start();
            RUNNING.add(this);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name, e);
        }
    }

    /** Passwords, keys, tokens: configuration that must not be on a command line or in a log. */
    public static boolean isSecret(String property) {
        String k = property.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token")
                || k.equals("servicecatalog.credentials.key") || k.startsWith("servicecatalog.credentials.previous-keys")
                || k.startsWith("servicecatalog.credentials.additional-keys");
    }

    /**
     * The secret system properties as the environment variables Quarkus reads for them
     * ({@code broker.password} -> {@code BROKER_PASSWORD}: non-alphanumerics become {@code _},
     * upper case).
     */
    public Map<String, String> secretEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        systemProperties.forEach((k, v) -> {
            if (isSecret(k)) {
                env.put(k.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT), v);
            }
        });
        return env;
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /**
     * Polls {@code http://127.0.0.1:<port>/q/health/ready} until it answers 200. Fails fast,
     * with the last 50 log lines in the message, when the process exits or time runs out.
     */
    public ServiceProcess awaitReady(Duration timeout) {
        if (port <= 0) {
            throw new IllegalStateException(name + " has no HTTP port to poll");
        }
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null) {
            throw new IllegalStateException(name + " was not started");
        }
        URI uri = URI.create(url() + healthPath);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        int lastStatus = -1;
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + p.exitValue()
                        + " before becoming ready. Last log lines (" + logFile + "):\n" + tailLog(TAIL_LINES));
            }
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                lastStatus = response.statusCode();
                if (lastStatus == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + name, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not ready within " + timeout + " (" + uri
                        + (lastStatus > 0 ? " last answered " + lastStatus : " never answered")
                        + "). Last log lines (" + logFile + "):\n" + tailLog(TAIL_LINES));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + name, e);
            }
        }
    }

    /** SIGKILL (simulated crash) and wait until the process is gone. No-op if not running. */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        waitForQuietly(p, Duration.ofSeconds(30));
        RUNNING.remove(this);
    }

    /** SIGTERM (graceful shutdown), wait up to 15 s, then SIGKILL. No-op if not running. */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        if (p.isAlive()) {
            p.destroy();
            if (!waitForQuietly(p, GRACEFUL_STOP)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                waitForQuietly(p, Duration.ofSeconds(30));
            }
        }
        RUNNING.remove(this);
    }

    /** {@link #stop()} then {@link #start()}; call {@link #awaitReady} afterwards. */
    public synchronized ServiceProcess restart() {
        stop();
        return start();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** PID of the current (or last) process. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was not started");
        }
        return process.pid();
    }

    /** Exit code of the last process, or -1 if it was never started or is still running. */
    public synchronized int exitCode() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    public Path logFile() {
        return logFile;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Map<String, String> systemProperties() {
        return systemProperties;
    }

    /** Last {@code lines} lines of the log file (empty string if there is none yet). */
    public String tailLog(int lines) {
        if (!Files.exists(logFile)) {
            return "";
        }
        Deque<String> tail = new ArrayDeque<>(lines);
        try (var stream = Files.lines(logFile, StandardCharsets.UTF_8)) {
            stream.forEach(line -> {
                if (tail.size() == lines) {
                    tail.removeFirst();
                }
                tail.addLast(line);
            });
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + logFile + ": " + e + ")";
        }
        return String.join(System.lineSeparator(), tail);
    }

    private static boolean waitForQuietly(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    /** Shutdown hook body: SIGTERM everything still running, give it 5 s, then SIGKILL the rest. */
    private static void terminateAll() {
        List<Process> processes = new ArrayList<>();
        for (ServiceProcess sp : RUNNING) {
            Process p = sp.process;
            if (p != null && p.isAlive()) {
                processes.add(p);
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Process p : processes) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() {
        return "ServiceProcess[" + name + ", port " + port + (isAlive() ? ", pid " + pid() : ", stopped") + "]";
    }

    /** Builder; either {@link #jar} or {@link #classpath}+main class must be given. */
    public static final class Builder {
        private final String name;
        private Path jar;
        private String classpath;
        private String mainClass;
        private int port;
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> args = new ArrayList<>();
        private Path workingDir;
        private Path logDir;
        private Path logFile;
        private String healthPath = DEFAULT_HEALTH_PATH;

        private Builder(String name) {
            if (name == null || name.isBlank() || name.contains("/") || name.contains("\\")) {
                throw new IllegalArgumentException("Invalid service name: " + name);
            }
            this.name = name;
            DEFAULT_ENVIRONMENT.forEach(environment::put);
        }

        /** Run {@code java -jar <jar>}. */
        public Builder jar(Path jar) {
            this.jar = jar.toAbsolutePath();
            this.classpath = null;
            this.mainClass = null;
            return this;
        }

        /** Run {@code java -cp <classpath> <mainClass>} instead of a jar (tests, tools). */
        public Builder classpath(String classpath, String mainClass) {
            this.classpath = Objects.requireNonNull(classpath);
            this.mainClass = Objects.requireNonNull(mainClass);
            this.jar = null;
            return this;
        }

        /**
         * HTTP port polled by {@link ServiceProcess#awaitReady}; also passed to the process as
         * {@code -Dquarkus.http.port} unless that property is set explicitly.
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Replaces the JVM options (default {@link #DEFAULT_JVM_OPTIONS}). */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        public Builder systemProperty(String key, String value) {
            systemProperties.put(key, value == null ? "" : value);
            return this;
        }

        public Builder systemProperties(Map<String, String> properties) {
            properties.forEach(this::systemProperty);
            return this;
        }

        public Builder env(String key, String value) {
            environment.put(key, value);
            return this;
        }

        /** Program arguments after the jar / main class. */
        public Builder args(String... arguments) {
            args.addAll(List.of(arguments));
            return this;
        }

        public Builder workingDir(Path dir) {
            this.workingDir = dir.toAbsolutePath();
            return this;
        }

        /** Directory for {@code <name>.log} (default {@code target/local-stack-logs}). */
        public Builder logDir(Path dir) {
            this.logDir = dir;
            return this;
        }

        /** Exact log file (overrides {@link #logDir}). */
        public Builder logFile(Path file) {
            this.logFile = file;
            return this;
        }

        /** Readiness path (default {@code /q/health/ready}). */
        public Builder healthPath(String path) {
            this.healthPath = path.startsWith("/") ? path : "/" + path;
            return this;
        }

        public ServiceProcess build() {
            if (jar == null && classpath == null) {
                throw new IllegalStateException("Either jar(...) or classpath(...) is required for " + name);
            }
            if (port > 0) {
                systemProperties.putIfAbsent("quarkus.http.port", String.valueOf(port));
            }
            return new ServiceProcess(this);
        }
    }
}
