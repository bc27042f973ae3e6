package io.servicecatalog.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;

/**
 * A small OpenID provider over real HTTP, started before catalog-api: its discovery document and
 * its JWKS (an RSA key generated for this run). Tests sign tokens with the private key, which they
 * get through the configuration ({@code servicecatalog.test.oidc.jwk}); catalog-api fetches the
 * public half from here like from any issuer.
 */
public class OidcIssuerStandIn implements QuarkusTestResourceLifecycleManager {
  public static final String AUDIENCE = "catalog-api";
  private HttpServer server;

  @Override
  public Map<String, String> start() {
    try {
      RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
      key.setKeyId("test-key-1");
      key.setAlgorithm("RS256");
      key.setUse("sig");
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      String issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/issuer";
      String discovery = """
          {"issuer":"%s","jwks_uri":"%s/jwks","id_token_signing_alg_values_supported":["RS256"],
           "response_types_supported":["code"],"subject_types_supported":["public"]}"""
          .formatted(issuer, issuer);
      String jwks = "{\"keys\":[" + key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}";
      server.createContext("/issuer/.well-known/openid-configuration", ex -> json(ex, discovery));
      server.createContext("/issuer/jwks", ex -> json(ex, jwks));
      server.start();
      return Map.of(
          "quarkus.oidc.tenant-enabled", "true",
          "quarkus.oidc.auth-server-url", issuer,
          "quarkus.oidc.token.audience", AUDIENCE,
          "servicecatalog.test.oidc.issuer", issuer,
          "servicecatalog.test.oidc.jwk", key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
    } catch (Exception e) {
      throw new IllegalStateException("could not start the OIDC issuer stand-in", e);
    }
  }

  private static void json(HttpExchange ex, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(200, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }
}
