package io.servicecatalog.localstack;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * Makes Secrets behave like on a real API server: {@code stringData} is write-only and is
 * merged into {@code data} (base64), and {@code type} defaults to {@code Opaque}. The plain
 * CRUD mock stores bodies verbatim, so a Secret written with {@code stringData} (by a service,
 * or by a user with curl) would otherwise lack those keys in {@code data} for every reader - a
 * difference from a real cluster that the end-to-end test must not trip over.
 *
 * <p>Create, replace and merge patches are rewritten before they reach the store; for JSON
 * Patch (which Fabric8's {@code edit()} sends) the stored result is fixed up afterwards with a
 * replace.
 */
final class SecretNormalizingDispatcher extends KubernetesMixedDispatcher {

    private static final Pattern SECRETS_PATH =
            Pattern.compile("^/api/v1/namespaces/([^/]+)/secrets(?:/([^/?]+))?/?(?:\\?.*)?$");
    private static final ObjectMapper JSON = new ObjectMapper();

    SecretNormalizingDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
        super(responses);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        HttpMethod method = request.method();
        String path = request.getPath();
        Matcher m = path == null ? null : SECRETS_PATH.matcher(path);
        if ((method != HttpMethod.POST && method != HttpMethod.PUT && method != HttpMethod.PATCH)
                || m == null || !m.matches() || request.getBody() == null) {
            return super.dispatch(request);
        }
        MockResponse response = super.dispatch(rewrite(request));
        if (response.code() / 100 != 2 || response.getBody() == null) {
            return response;
        }
        // Fix-up for bodies we could not rewrite up front (JSON Patch adding /stringData).
        ObjectNode stored = readObject(response.getBody().getBytes());
        if (stored == null || !stored.has("stringData") || !stored.path("metadata").hasNonNull("name")) {
            return response;
        }
        normalize(stored, true);
        String resourcePath = "/api/v1/namespaces/" + m.group(1) + "/secrets/" + stored.get("metadata").get("name").asText();
        Headers headers = new Headers.Builder().setHeaders(request.getHeaders())
                .set("Content-Type", "application/json").build();
        MockResponse fixed = super.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT,
                resourcePath, headers, new Buffer(toBytes(stored))));
        return fixed.code() / 100 == 2 ? fixed : response;
    }

    private static RecordedRequest rewrite(RecordedRequest request) {
        String contentType = request.getHeader("Content-Type");
        if (contentType != null && contentType.contains("json-patch")) {
            return request;
        }
        ObjectNode secret = readObject(request.getBody().getBytes());
        if (secret == null || !normalize(secret, request.method() != HttpMethod.PATCH)) {
            return request;
        }
        return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(),
                request.getHeaders(), new Buffer(toBytes(secret)));
    }

    /** Moves {@code stringData} into {@code data}; defaults {@code type}. Returns whether anything changed. */
    static boolean normalize(ObjectNode secret, boolean defaultType) {
        boolean changed = false;
        JsonNode stringData = secret.get("stringData");
        if (stringData instanceof ObjectNode plain) {
            ObjectNode data = secret.get("data") instanceof ObjectNode existing ? existing : secret.putObject("data");
            for (Iterator<Map.Entry<String, JsonNode>> it = plain.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String value = e.getValue().isNull() ? "" : e.getValue().asText();
                data.put(e.getKey(), Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
            }
        }
        if (stringData != null) {
            secret.remove("stringData");
            changed = true;
        }
        if (defaultType && !secret.hasNonNull("type")) {
            secret.put("type", "Opaque");
            changed = true;
        }
        return changed;
    }

    private static ObjectNode readObject(byte[] bytes) {
        try {
            return JSON.readTree(bytes) instanceof ObjectNode o ? o : null;
        } catch (Exception e) {
            return null; // not JSON (e.g. a YAML apply body): leave it to the mock
        }
    }

    private static byte[] toBytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
