package io.servicecatalog.syncer.catalogapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.auth.CatalogApiToken;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.syncer.config.SyncerConfig;
import io.servicecatalog.syncer.reconcile.ObjectKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * catalog-api's Kubernetes-style REST API for the eight kinds: get, list, create, replace, delete
 * and watch, with the caller identity in headers.
 *
 * <p>Built on the JDK's HTTP client rather than a declarative REST client: a watch is a
 * never-ending chunked stream read line by line, identity headers have names that depend on the
 * data ({@code X-Remote-Extra-<key>}), and every error answer is inspected (a Kubernetes {@code
 * Status}) rather than mapped to an exception type.
 */
@ApplicationScoped
public class CatalogApi {
  public static final String BASE_PATH = "/apis/" + ServiceCatalog.API_VERSION;

  private final String base;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final CatalogApiToken token;

  @Inject
  public CatalogApi(SyncerConfig config) {
    this(
        config.catalogApi().url(),
        config.catalogApi().connectTimeout(),
        config.catalogApi().requestTimeout(),
        new CatalogApiToken(config.catalogApi().token(), config.catalogApi().tokenFile()));
  }

  public CatalogApi(String url, Duration connectTimeout, Duration requestTimeout) {
    this(url, connectTimeout, requestTimeout, new CatalogApiToken(Optional.empty(), Optional.empty()));
  }

  public CatalogApi(String url, Duration connectTimeout, Duration requestTimeout, CatalogApiToken token) {
    this.token = token;
    this.base = url.replaceAll("/+$", "") + BASE_PATH;
    this.requestTimeout = requestTimeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** The object, or null when catalog-api has none by that name. */
  public ObjectNode get(ObjectKey key) {
    try {
      return send(HttpRequest.newBuilder(objectUri(key)).GET(), "GET " + key);
    } catch (CatalogApiException e) {
      if (e.code() == 404) {
        return null;
      }
      throw e;
    }
  }

  /** All objects of a kind (across namespaces for namespaced kinds), as a Kubernetes List. */
  public ObjectNode list(ResourceKind kind) {
    return send(
        HttpRequest.newBuilder(URI.create(base + "/" + kind.plural())).GET(),
        "LIST " + kind.plural());
  }

  public ObjectNode create(ResourceKind kind, String namespace, JsonNode body, JsonNode userInfo) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(collectionUri(kind, namespace))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    return send(withIdentity(r, userInfo), "POST " + kind.plural());
  }

  /** PUT of the whole object; its metadata.resourceVersion makes a stale write fail with 409. */
  public ObjectNode replace(ObjectKey key, JsonNode body, JsonNode userInfo) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(objectUri(key))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body.toString()));
    return send(withIdentity(r, userInfo), "PUT " + key);
  }

  /** Marks the object for deletion; null when it was already gone. */
  public ObjectNode delete(ObjectKey key) {
    try {
      return send(HttpRequest.newBuilder(objectUri(key)).DELETE(), "DELETE " + key);
    } catch (CatalogApiException e) {
      if (e.code() == 404) {
        return null;
      }
      throw e;
    }
  }

  /** How a watch request ended. */
  public enum WatchEnd {
    /** The stream closed (server timeout, restart): watch again from the last version seen. */
    CLOSED,
    /** 410 Gone: the version is too old; list again. */
    EXPIRED,
    /** The answer was not a watch stream (an older catalog-api answers a plain list): poll. */
    UNSUPPORTED
  }

  /**
   * Streams watch events ({@code {"type":..., "object":...}}) of a kind from {@code
   * resourceVersion} to {@code events} until the stream ends; blocks meanwhile. {@code onOpen}
   * receives the body so that another thread can close it to stop the watch.
   */
  public WatchEnd watch(
      ResourceKind kind,
      String resourceVersion,
      Consumer<InputStream> onOpen,
      Consumer<JsonNode> events) {
    String q =
        "?watch=true&allowWatchBookmarks=true"
            + (resourceVersion == null ? "" : "&resourceVersion=" + enc(resourceVersion));
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(base + "/" + kind.plural() + q))
            .header("Accept", "application/json")
            .GET();
    authenticated(req);
    HttpResponse<InputStream> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw CatalogApiException.unreachable("WATCH " + kind.plural(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CatalogApiException.unreachable("WATCH " + kind.plural(), e);
    }
    try (InputStream in = resp.body()) {
      if (resp.statusCode() == 410) {
        return WatchEnd.EXPIRED;
      }
      if (resp.statusCode() >= 400) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (resp.statusCode() >= 500 || resp.statusCode() == 429) {
          throw error(resp.statusCode(), text, "WATCH " + kind.plural());
        }
        return WatchEnd.UNSUPPORTED;
      }
      onOpen.accept(in);
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      boolean first = true;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event;
        try {
          event = Json.MAPPER.readTree(line);
        } catch (IOException e) {
          if (first) {
            return WatchEnd.UNSUPPORTED; // e.g. a pretty-printed list
          }
          throw CatalogApiException.unreachable("WATCH " + kind.plural() + " (bad event)", e);
        }
        if (first && (event.has("items") || !event.has("type"))) {
          return WatchEnd.UNSUPPORTED; // a list, not events: this catalog-api cannot watch
        }
        first = false;
        if ("ERROR".equals(event.path("type").asText())) {
          int code = event.path("object").path("code").asInt();
          if (code == 410) {
            return WatchEnd.EXPIRED;
          }
          throw new CatalogApiException(
              code,
              event.path("object").path("reason").asText(null),
              event.path("object").path("message").asText("watch error"),
              event.get("object"));
        }
        events.accept(event);
      }
      return WatchEnd.CLOSED;
    } catch (IOException e) {
      throw CatalogApiException.unreachable("WATCH " + kind.plural(), e);
    }
  }

  // ------------------------------------------------------------------ plumbing

  /** catalog-api authenticates every request: k8s-syncer's own token (servicecatalog:system, proxies). */
  private void authenticated(HttpRequest.Builder request) {
    token.authorization().ifPresent(a -> request.setHeader("Authorization", a));
  }

  private ObjectNode send(HttpRequest.Builder request, String what) {
    authenticated(request);
    HttpResponse<String> resp;
    try {
      resp =
          http.send(request.timeout(requestTimeout).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw CatalogApiException.unreachable(what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CatalogApiException.unreachable(what, e);
    }
    if (resp.statusCode() / 100 != 2) {
      throw error(resp.statusCode(), resp.body(), what);
    }
    try {
      JsonNode body = Json.MAPPER.readTree(resp.body());
      if (!(body instanceof ObjectNode o)) {
        throw new CatalogApiException(
            resp.statusCode(), "BadResponse", what + ": not a JSON object", null);
      }
      return o;
    } catch (IOException e) {
      throw new CatalogApiException(
          resp.statusCode(), "BadResponse", what + ": " + e.getMessage(), null);
    }
  }

  private static CatalogApiException error(int code, String body, String what) {
    JsonNode status = null;
    try {
      status = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
    } catch (IOException ignored) {
      // not a Status: keep the text
    }
    if (status != null && "Status".equals(status.path("kind").asText())) {
      return new CatalogApiException(
          code,
          status.path("reason").asText(null),
          what + ": " + status.path("message").asText(""),
          status);
    }
    String text = body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    return new CatalogApiException(code, null, what + ": HTTP " + code + " " + text, null);
  }

  private static HttpRequest.Builder withIdentity(HttpRequest.Builder r, JsonNode userInfo) {
    for (Map.Entry<String, String> h : Identity.headers(userInfo)) {
      r.header(h.getKey(), h.getValue());
    }
    return r;
  }

  private URI collectionUri(ResourceKind kind, String namespace) {
    return URI.create(
        base + (kind.namespaced() ? "/namespaces/" + enc(namespace) : "") + "/" + kind.plural());
  }

  private URI objectUri(ObjectKey key) {
    return URI.create(collectionUri(key.kind(), key.namespace()) + "/" + enc(key.name()));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
