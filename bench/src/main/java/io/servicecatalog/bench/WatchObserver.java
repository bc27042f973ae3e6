package io.servicecatalog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Follows one kind in one namespace through catalog-api's watch stream, as a user's
 * {@code kubectl wait} would, and completes waiters when an object reaches a state. Waiting this
 * way puts no polling load on catalog-api, and the latency seen is the mesh's, not a poll
 * interval's.
 */
final class WatchObserver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the last event said about an object; {@code null} object = deleted. */
    private final Map<String, JsonNode> latest = new ConcurrentHashMap<>();
    private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();
    private final String listUrl;
    private final HttpClient http;
    private final Supplier<HttpRequest.Builder> requests;
    private final Thread reader;
    private volatile boolean closed;
    private volatile String resourceVersion = "";
    private final CompletableFuture<Void> connected = new CompletableFuture<>();

    private record Waiter(Predicate<JsonNode> condition, CompletableFuture<Void> done) {
    }

    /**
     * @param listUrl  e.g. {@code <api>/namespaces/default/serviceinstances}
     * @param requests a request builder carrying whatever headers the API wants (authorization)
     */
    WatchObserver(HttpClient http, String listUrl, Supplier<HttpRequest.Builder> requests) {
        this.http = http;
        this.listUrl = listUrl;
        this.requests = requests;
        this.reader = new Thread(this::follow, "watch-" + listUrl.substring(listUrl.lastIndexOf('/') + 1));
        this.reader.setDaemon(true);
    }

    WatchObserver start(Duration timeout) throws Exception {
        reader.start();
        connected.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Waits until the named object satisfies the condition (deleted objects are seen as null). */
    void await(String name, Predicate<JsonNode> condition, Duration timeout) throws Exception {
        Waiter w = new Waiter(condition, new CompletableFuture<>());
        List<Waiter> list = waiters.computeIfAbsent(name, k -> new ArrayList<>());
        synchronized (list) {
            list.add(w);
        }
        check(name);
        try {
            w.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            JsonNode last = latest.get(name);
            throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + name
                    + " (last seen: " + describe(last) + ")");
        } finally {
            List<Waiter> ws = waiters.get(name);
            if (ws != null) {
                synchronized (ws) {
                    ws.remove(w);
                }
            }
        }
    }

    void awaitReady(String name, Duration timeout) throws Exception {
        await(name, WatchObserver::isReady, timeout);
    }

    void awaitGone(String name, Duration timeout) throws Exception {
        await(name, o -> o == null || o.isNull(), timeout);
    }

    /** Forgets a finished object so a long run does not keep every object seen. */
    void forget(String name) {
        latest.remove(name);
        waiters.remove(name);
    }

    static boolean isReady(JsonNode o) {
        if (o == null || o.isNull()) {
            return false;
        }
        for (JsonNode c : o.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText());
            }
        }
        return false;
    }

    private void check(String name) {
        List<Waiter> ws = waiters.get(name);
        if (ws == null) {
            return;
        }
        // A name not seen yet is neither ready nor gone: it may simply not have been created.
        JsonNode o = latest.get(name);
        if (o == null) {
            return;
        }
        synchronized (ws) {
            for (Iterator<Waiter> it = ws.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.condition.test(o)) {
                    w.done.complete(null);
                    it.remove();
                }
            }
        }
    }

    private void follow() {
        while (!closed) {
            try {
                String url = listUrl + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=3600"
                        + (resourceVersion.isEmpty() ? "" : "&resourceVersion=" + resourceVersion);
                HttpRequest req = requests.get().uri(URI.create(url)).GET().build();
                HttpResponse<java.util.stream.Stream<String>> resp =
                        http.send(req, HttpResponse.BodyHandlers.ofLines());
                if (resp.statusCode() != 200) {
                    throw new IOException("watch " + url + " -> " + resp.statusCode());
                }
                connected.complete(null);
                Iterator<String> lines = resp.body().iterator();
                while (!closed && lines.hasNext()) {
                    onEvent(lines.next());
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // the stream ended (server restart, timeout, close): follow on from the last version
                if (!closed) {
                    sleep(200);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void onEvent(String line) {
        if (line.isBlank()) {
            return;
        }
        JsonNode e;
        try {
            e = JSON.readTree(line);
        } catch (IOException ex) {
            return;
        }
        String type = e.path("type").asText();
        JsonNode object = e.path("object");
        String rv = object.path("metadata").path("resourceVersion").asText("");
        if ("ERROR".equals(type)) {
            // 410 Expired: start over from the current state
            resourceVersion = "";
            return;
        }
        if (!rv.isEmpty()) {
            resourceVersion = rv;
        }
        if ("BOOKMARK".equals(type)) {
            return;
        }
        String name = object.path("metadata").path("name").asText();
        if ("DELETED".equals(type)) {
            latest.put(name, com.fasterxml.jackson.databind.node.NullNode.getInstance());
        } else {
            latest.put(name, object);
        }
        check(name);
    }

    private static String describe(JsonNode o) {
        if (o == null) {
            return "never";
        }
        if (o.isNull()) {
            return "deleted";
        }
        return "resourceVersion " + o.path("metadata").path("resourceVersion").asText() + ", conditions "
                + o.path("status").path("conditions");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        reader.interrupt();
    }
}
