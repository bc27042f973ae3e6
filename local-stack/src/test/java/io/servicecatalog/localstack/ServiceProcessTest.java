package io.servicecatalog.localstack;

import io.servicecatalog.testsupport.EmbeddedKafka;
import io.servicecatalog.testsupport.Ports;
import io.servicecatalog.testsupport.Topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {

    @TempDir
    Path logs;

    private static String testClasses() throws Exception {
        return Path.of(HealthyServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private ServiceProcess.Builder healthy(String name) throws Exception {
        return ServiceProcess.builder(name)
                .classpath(testClasses(), HealthyServer.class.getName())
                .port(Ports.free())
                .logDir(logs);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void startsAwaitsKillsAndRestarts() throws Exception {
        ServiceProcess p = healthy("healthy").systemProperty("servicecatalog.example", "hello").build();
        try {
            p.start().awaitReady(Duration.ofSeconds(20));
            assertTrue(p.isAlive());
            assertEquals("hello", get(p.url() + "/props/servicecatalog.example").body());
            assertEquals(String.valueOf(p.port()), get(p.url() + "/props/quarkus.http.port").body());
            long firstPid = p.pid();

            p.kill();
            assertFalse(p.isAlive());
            assertEquals(137, p.exitCode(), "SIGKILL");

            p.start().awaitReady(Duration.ofSeconds(20));
            long secondPid = p.pid();
            assertNotEquals(firstPid, secondPid);

            p.restart().awaitReady(Duration.ofSeconds(20));
            assertNotEquals(secondPid, p.pid());
            assertEquals(200, get(p.url() + "/q/health/ready").statusCode());

            p.stop();
            assertFalse(p.isAlive());
            assertEquals(143, p.exitCode(), "SIGTERM");

            String log = Files.readString(p.logFile());
            assertEquals(logs.resolve("healthy.log"), p.logFile());
            assertEquals(3, log.split("starting healthy", -1).length - 1, log);
            assertTrue(log.contains("HealthyServer listening on " + p.port()), log);
        } finally {
            p.kill();
        }
    }

    @Test
    void failsFastWithLogTailWhenTheProcessExits() throws Exception {
        ServiceProcess p = ServiceProcess.builder("failing")
                .classpath(testClasses(), FailingMain.class.getName())
                .port(Ports.free())
                .logDir(logs)
                .build();
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> p.start().awaitReady(Duration.ofSeconds(60)));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos(), "should not wait for the timeout");
        assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
        assertTrue(e.getMessage().contains("boom: cannot start"), e.getMessage());
    }

    @Test
    void timesOutWithLastStatusWhenNeverReady() throws Exception {
        ServiceProcess p = healthy("never-ready").systemProperty("test.never-ready", "true").build();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> p.start().awaitReady(Duration.ofSeconds(3)));
            assertTrue(e.getMessage().contains("not ready within"), e.getMessage());
            assertTrue(e.getMessage().contains("last answered 503"), e.getMessage());
            assertTrue(p.isAlive(), "a timeout does not kill the process; the caller decides");
        } finally {
            p.kill();
        }
    }

    @Test
    void refusesMissingJarWithAHint() {
        ServiceProcess p = ServiceProcess.builder("missing")
                .jar(logs.resolve("nope/quarkus-run.jar"))
                .port(Ports.free())
                .logDir(logs)
                .build();
        IllegalStateException e = assertThrows(IllegalStateException.class, p::start);
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void commandLineHasDefaultsPropertiesAndJar() {
        ServiceProcess p = ServiceProcess.builder("svc").jar(Path.of("/x/quarkus-run.jar")).port(1234)
                .systemProperty("a.b", "c").build();
        var cmd = p.command();
        assertTrue(cmd.containsAll(ServiceProcess.DEFAULT_JVM_OPTIONS), cmd.toString());
        assertTrue(cmd.contains("-Da.b=c"), cmd.toString());
        assertTrue(cmd.contains("-Dquarkus.http.port=1234"), cmd.toString());
        assertEquals("/x/quarkus-run.jar", cmd.get(cmd.size() - 1));
        assertEquals("-jar", cmd.get(cmd.size() - 2));
    }

    @Test
    void secretsGoToTheEnvironmentNotTheCommandLine() {
        ServiceProcess p = ServiceProcess.builder("svc").jar(Path.of("/x/quarkus-run.jar")).port(1234)
                .systemProperty("broker.password", "pw-1")
                .systemProperty("quarkus.datasource.password", "pw-2")
                .systemProperty("servicecatalog.credentials.key", "k-1")
                .systemProperty("servicecatalog.credentials.previous-keys", "k-0")
                .systemProperty("broker.username", "admin").build();
        String cmd = String.join(" ", p.command());
        for (String secret : java.util.List.of("pw-1", "pw-2", "k-1", "k-0")) {
            assertTrue(!cmd.contains(secret), secret + " on the command line: " + cmd);
        }
        assertTrue(cmd.contains("-Dbroker.username=admin"), cmd);
        assertEquals(java.util.Map.of("BROKER_PASSWORD", "pw-1", "QUARKUS_DATASOURCE_PASSWORD", "pw-2",
                "SERVICECATALOG_CREDENTIALS_KEY", "k-1", "SERVICECATALOG_CREDENTIALS_PREVIOUS_KEYS", "k-0"),
                p.secretEnvironment());
    }

    @Test
    void aSecretPassedThroughTheEnvironmentReachesTheService() throws Exception {
        ServiceProcess p = healthy("secret-env").systemProperty("servicecatalog.example.password", "hunter2").build();
        try {
            p.start();
            p.awaitReady(Duration.ofSeconds(60));
            assertEquals("hunter2", get(p.url() + "/env/SERVICECATALOG_EXAMPLE_PASSWORD").body());
            assertEquals(404, get(p.url() + "/props/servicecatalog.example.password").statusCode());
            assertTrue(!Files.readString(p.logFile()).contains("hunter2"), "the secret is not in the log");
        } finally {
            p.stop();
        }
    }
}
