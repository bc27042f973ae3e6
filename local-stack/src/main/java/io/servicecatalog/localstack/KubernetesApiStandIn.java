package io.servicecatalog.localstack;

import io.servicecatalog.testsupport.EmbeddedKafka;
import io.servicecatalog.testsupport.Ports;
import io.servicecatalog.testsupport.Topics;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;

/**
 * An in-memory Kubernetes API server good enough for the product: Fabric8's mock server in
 * CRUD mode, which stores whatever is POSTed/PUT/PATCHed and serves it back to GET, LIST and
 * WATCH, listening on 127.0.0.1 over plain HTTP so the services (separate processes) reach it
 * by URL exactly like a real API server.
 *
 * <p>Why not a real cluster: no Docker/kind here, and the services only need Secrets,
 * ConfigMaps and namespaced CRUD/watch semantics. Limits: no authentication, no admission,
 * no garbage collection, no controllers; {@code kubectl} cannot use it (discovery is
 * incomplete) - use raw HTTP ({@code curl}) or a Fabric8 client ({@link #client()}).
 *
 * <p>The mixed dispatcher is used so that {@code /} and {@code /version} (answered from
 * expectations registered at start) work besides the CRUD paths; some clients probe them.
 * Secrets get real-server semantics for {@code stringData} (written {@code stringData} ends up base64-encoded in {@code data}).
 */
public final class KubernetesApiStandIn implements AutoCloseable {

    public static final String DEFAULT_NAMESPACE = "default";

    /**
     * The mock server logs every request at INFO through java.util.logging, which would bury
     * the launcher's output; set {@code -Dservicecatalog.kubernetes.log-requests=true} to see them.
     * (Held in a field because JUL only keeps weak references to configured loggers.)
     */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    static {
        if (!Boolean.getBoolean("servicecatalog.kubernetes.log-requests")) {
            MOCK_SERVER_LOG.setLevel(Level.WARNING);
        }
    }

    private final int requestedPort;
    private KubernetesMockServer server;
    private KubernetesClient client;

    /** Stand-in on a random free port. */
    public KubernetesApiStandIn() {
        this(0);
    }

    /** @param port port on 127.0.0.1, 0 for a random free one */
    public KubernetesApiStandIn(int port) {
        this.requestedPort = port;
    }

    /** Starts listening and creates the {@code default} namespace. */
    public synchronized KubernetesApiStandIn start() {
        if (server != null) {
            throw new IllegalStateException("Kubernetes API stand-in already started");
        }
        int port = requestedPort == 0 ? Ports.free() : requestedPort;
        Ports.requireFree(port, "the Kubernetes API stand-in");
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new SecretNormalizingDispatcher(responses), false);
        try {
            s.init(InetAddress.getByName("127.0.0.1"), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        server = s;
        try {
            // CRUD mode does not require namespaces to exist, but clients listing namespaces
            // (and humans poking around) expect "default" like on a real cluster.
            client().namespaces().resource(new NamespaceBuilder().withNewMetadata()
                    .withName(DEFAULT_NAMESPACE).endMetadata().build()).create();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8001}; what {@code quarkus.kubernetes-client.api-server-url} gets. */
    public synchronized String url() {
        requireStarted();
        return "http://127.0.0.1:" + server.getPort();
    }

    public synchronized int port() {
        requireStarted();
        return server.getPort();
    }

    /**
     * The requests recorded since the last call, counted by method and path with namespaces and
     * names replaced by "*" (e.g. {@code GET /api/v1/namespaces/*}{@code /secrets/*}) and the query
     * reduced to "?watch" when it watches. The stand-in records every request until drained.
     */
    public synchronized java.util.Map<String, Integer> drainRequests() throws InterruptedException {
        requireStarted();
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (var r = server.takeRequest(1, java.util.concurrent.TimeUnit.MILLISECONDS); r != null;
                r = server.takeRequest(1, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            String path = r.getPath() == null ? "" : r.getPath();
            int q = path.indexOf('?');
            String query = q < 0 ? "" : path.substring(q);
            path = q < 0 ? path : path.substring(0, q);
            String[] parts = path.split("/");
            for (int i = 1; i < parts.length; i++) {
                // namespaces/<ns>/... and <plural>/<name>: the names become "*"
                if (parts[i - 1].equals("namespaces") || (i >= 2 && isPlural(parts[i - 1]) && !parts[i].equals("status"))) {
                    parts[i] = "*";
                }
            }
            String key = r.getMethod() + " " + String.join("/", parts) + (query.contains("watch=true") ? "?watch" : "");
            counts.merge(key, 1, Integer::sum);
        }
        return counts;
    }

    private static boolean isPlural(String segment) {
        return segment.endsWith("s") && !segment.equals("namespaces") && !segment.equals("apis") && !segment.contains(".");
    }

    /**
     * A Fabric8 client for this stand-in (namespace {@code default}), created on first use and
     * closed with the stand-in. Built from {@link Config#empty()} so that a developer's
     * {@code ~/.kube/config} or in-cluster settings can never redirect it to a real cluster.
     */
    public synchronized KubernetesClient client() {
        requireStarted();
        if (client == null) {
            client = newClient(url());
        }
        return client;
    }

    /** A new client for any API server URL (caller closes it); same isolation as {@link #client()}. */
    public static KubernetesClient newClient(String apiServerUrl) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(apiServerUrl)
                .withNamespace(DEFAULT_NAMESPACE)
                .withTrustCerts(true)
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("Kubernetes API stand-in is not running");
        }
    }

    /** Closes the client and stops the server; all stored objects are gone. Idempotent. */
    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (server != null) {
            server.destroy();
            server = null;
        }
    }

    @Override
    public synchronized String toString() {
        return server == null ? "KubernetesApiStandIn[stopped]" : "KubernetesApiStandIn[" + url() + "]";
    }
}
