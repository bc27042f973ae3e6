package io.servicecatalog.localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stand-in for a Quarkus service in {@link ServiceProcessTest}: serves
 * {@code /q/health/ready} on {@code -Dquarkus.http.port} (503 forever with
 * {@code -Dtest.never-ready=true}) and echoes system properties at {@code /props/<key>}, environment variables at {@code /env/<NAME>}.
 * Uses only the JDK so it runs from the test-classes directory alone.
 */
public final class HealthyServer {

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getProperty("quarkus.http.port"));
        boolean neverReady = Boolean.getBoolean("test.never-ready");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/q/health/ready", ex -> respond(ex, neverReady ? 503 : 200,
                neverReady ? "{\"status\":\"DOWN\"}" : "{\"status\":\"UP\"}"));
        server.createContext("/props/", ex -> {
            String key = ex.getRequestURI().getPath().substring("/props/".length());
            String value = System.getProperty(key);
            respond(ex, value == null ? 404 : 200, value == null ? "" : value);
        });
        server.createContext("/env/", ex -> {
            String value = System.getenv(ex.getRequestURI().getPath().substring("/env/".length()));
            respond(ex, value == null ? 404 : 200, value == null ? "" : value);
        });
        server.start();
        System.out.println("HealthyServer listening on " + port);
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
