package io.servicecatalog.injector.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.microprofile.config.ConfigProvider;

/** The test side of {@link FakeCatalogApi}: says what catalog-api should answer. */
public final class CatalogApiStub {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private CatalogApiStub() {}

  public static void exists(String namespace, String name, String uid, String secretName) {
    put(namespace, name, uid, secretName, false, 0);
  }

  /** Exists, but the first {@code failTimes} lookups answer 503. */
  public static void existsAfterFailures(
      String namespace, String name, String uid, String secretName, int failTimes) {
    put(namespace, name, uid, secretName, false, failTimes);
  }

  public static void deleting(String namespace, String name, String uid, String secretName) {
    put(namespace, name, uid, secretName, true, 0);
  }

  public static void gone(String namespace, String name) {
    call(HttpRequest.newBuilder(uri("/_test/bindings/" + namespace + "/" + name)).DELETE());
  }

  public static int lookups(String namespace, String name) {
    return Integer.parseInt(
        call(HttpRequest.newBuilder(uri("/_test/requests/" + namespace + "/" + name)).GET()));
  }

  /**
   * Exists with these annotations; {@code injected}: catalog-api has recorded the Secret
   * ({@code status.binding.name}), as it does once an INJECT_SECRET result arrived.
   */
  public static void exists(
      String namespace, String name, String uid, String secretName,
      java.util.Map<String, String> annotations, boolean injected) {
    com.fasterxml.jackson.databind.node.ObjectNode body =
        io.servicecatalog.model.Json.MAPPER.createObjectNode();
    body.put("uid", uid).put("deleting", false).put("failTimes", 0).put("injected", injected);
    if (secretName != null) {
      body.put("secretName", secretName);
    }
    if (annotations != null) {
      com.fasterxml.jackson.databind.node.ObjectNode a = body.putObject("annotations");
      annotations.forEach(a::put);
    }
    call(
        HttpRequest.newBuilder(uri("/_test/bindings/" + namespace + "/" + name))
            .PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  private static void put(
      String namespace, String name, String uid, String secretName, boolean deleting, int fail) {
    String body =
        "{\"uid\":\"" + uid + "\",\"deleting\":" + deleting + ",\"failTimes\":" + fail
            + (secretName == null ? "" : ",\"secretName\":\"" + secretName + "\"") + "}";
    call(
        HttpRequest.newBuilder(uri("/_test/bindings/" + namespace + "/" + name))
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static URI uri(String path) {
    String base =
        ConfigProvider.getConfig().getValue("servicecatalog.catalog-api.url", String.class);
    return URI.create(base + path);
  }

  private static String call(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException("fake catalog-api answered " + r.statusCode());
      }
      return r.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
