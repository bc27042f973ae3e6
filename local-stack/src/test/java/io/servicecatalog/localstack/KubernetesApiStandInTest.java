package io.servicecatalog.localstack;

import io.servicecatalog.testsupport.EmbeddedKafka;
import io.servicecatalog.testsupport.Ports;
import io.servicecatalog.testsupport.Topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

class KubernetesApiStandInTest {

    static KubernetesApiStandIn k8s;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        k8s = new KubernetesApiStandIn(Ports.free()).start();
    }

    @AfterAll
    static void stop() {
        if (k8s != null) {
            k8s.close();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(k8s.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void urlIsPlainHttpOnLoopback() {
        assertEquals("http://127.0.0.1:" + k8s.port(), k8s.url());
    }

    @Test
    void secretCreatedViaClientIsServedToPlainHttp() throws Exception {
        Secret secret = new SecretBuilder().withNewMetadata().withName("x").withNamespace("default").endMetadata()
                .addToData("password", Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8)))
                .build();
        k8s.client().secrets().inNamespace("default").resource(secret).create();

        HttpResponse<String> response = get("/api/v1/namespaces/default/secrets/x");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"kind\":\"Secret\""), response.body());
        assertTrue(response.body().contains(Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8))),
                response.body());

        assertEquals(404, get("/api/v1/namespaces/default/secrets/does-not-exist").statusCode());
    }

    @Test
    void configMapIsVisibleToAnIndependentClient() throws Exception {
        k8s.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata()
                .addToData("k", "v").build()).create();
        try (KubernetesClient other = KubernetesApiStandIn.newClient(k8s.url())) {
            assertEquals(Map.of("k", "v"), other.configMaps().inNamespace("default").withName("cm").get().getData());
        }
        assertEquals(200, get("/api/v1/namespaces/default/configmaps/cm").statusCode());
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(k8s.url() + path)).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void stringDataIsStoredAsBase64DataLikeARealApiServer() throws Exception {
        // raw HTTP, as a user following the walkthrough with curl would do
        HttpResponse<String> created = send("POST", "/api/v1/namespaces/default/secrets", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"plain\"},"
                        + "\"stringData\":{\"username\":\"admin\"},\"data\":{\"other\":\"" + b64("o") + "\"}}");
        assertEquals(201, created.statusCode(), created.body());
        Secret read = k8s.client().secrets().withName("plain").get();
        assertEquals(Map.of("username", b64("admin"), "other", b64("o")), read.getData());
        assertTrue(read.getStringData() == null || read.getStringData().isEmpty());
        assertEquals("Opaque", read.getType());
        String body = get("/api/v1/namespaces/default/secrets/plain").body();
        assertTrue(!body.contains("stringData") && body.contains(b64("admin")), body);

        // merge patch
        HttpResponse<String> patched = send("PATCH", "/api/v1/namespaces/default/secrets/plain",
                "application/merge-patch+json", "{\"stringData\":{\"password\":\"pw\"}}");
        assertEquals(2, patched.statusCode() / 100, patched.body()); // the mock answers 202 where a real server says 200
        assertEquals(b64("pw"), k8s.client().secrets().withName("plain").get().getData().get("password"));

        // Fabric8 client: create with stringData, then edit() (JSON Patch) adding stringData
        k8s.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("viaclient").endMetadata()
                .addToStringData("a", "1").build()).create();
        assertEquals(Map.of("a", b64("1")), k8s.client().secrets().withName("viaclient").get().getData());
        k8s.client().secrets().withName("viaclient").edit(s -> new SecretBuilder(s).addToStringData("b", "2").build());
        Secret edited = k8s.client().secrets().withName("viaclient").get();
        assertEquals(Map.of("a", b64("1"), "b", b64("2")), edited.getData());
        assertTrue(edited.getStringData() == null || edited.getStringData().isEmpty());
    }

    @Test
    void watchFromAnIndependentClientSeesChanges() throws Exception {
        java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
        try (KubernetesClient other = KubernetesApiStandIn.newClient(k8s.url());
                var watch = other.secrets().inNamespace("default").watch(new io.fabric8.kubernetes.client.Watcher<Secret>() {
                    @Override
                    public void eventReceived(Action action, Secret resource) {
                        events.add(action + " " + resource.getMetadata().getName());
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                    }
                })) {
            k8s.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("watched").endMetadata()
                    .addToStringData("k", "v").build()).create();
            String event;
            do {
                event = events.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            } while (event != null && !event.endsWith(" watched"));
            assertEquals("ADDED watched", event);
        }
    }

    @Test
    void defaultNamespaceExistsAndVersionAnswers() throws Exception {
        assertEquals(200, get("/api/v1/namespaces/default").statusCode());
        assertEquals(200, get("/version").statusCode());
    }
}
