package io.servicecatalog.gateway.k8s;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.servicecatalog.model.v1beta1.ServiceBrokerAuthInfo;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a broker's auth reference into an Authorization header value, reading exactly the one
 * Secret referenced (never a cluster-wide cache). The value is kept in memory for {@code
 * servicecatalog.osb.auth-cache-ttl} and dropped at once when the broker answers 401, so a
 * changed Secret is used from the next request on. Values are never logged.
 */
@ApplicationScoped
public class BrokerAuth {
  public static final String BASIC = "basic";
  public static final String BEARER = "bearer";

  private record Cached(String header, Instant until) {}

  private final KubernetesClient kube;
  private final GatewayConfig config;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public BrokerAuth(KubernetesClient kube, GatewayConfig config) {
    this.kube = kube;
    this.config = config;
  }

  /** Null item when the broker has no auth; fails with {@link AuthException} when unreadable. */
  public Uni<String> authorization(String type, String namespace, String name) {
    if (type == null) {
      return Uni.createFrom().nullItem();
    }
    String key = type + "|" + namespace + "|" + name;
    Cached c = cache.get(key);
    if (c != null && c.until().isAfter(Instant.now())) {
      return Uni.createFrom().item(c.header());
    }
    return Uni.createFrom()
        .item(() -> {
          String header = header(type, namespace, name);
          if (!config.osb().authCacheTtl().isZero()) {
            cache.put(key, new Cached(header, Instant.now().plus(config.osb().authCacheTtl())));
          }
          return header;
        })
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }

  /** The broker rejected the credentials: read the Secret again next time. */
  public void forget(String type, String namespace, String name) {
    cache.remove(type + "|" + namespace + "|" + name);
  }

  private String header(String type, String namespace, String name) {
    if (name == null || name.isBlank()) {
      throw new AuthException("the broker's auth Secret reference has no name");
    }
    Secret secret = kube.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new AuthException("the auth Secret " + namespace + "/" + name + " does not exist");
    }
    if (BASIC.equals(type)) {
      String user = value(secret, ServiceBrokerAuthInfo.USERNAME_KEY);
      String password = value(secret, ServiceBrokerAuthInfo.PASSWORD_KEY);
      if (user == null || password == null) {
        throw new AuthException("the auth Secret " + namespace + "/" + name + " lacks key \"username\" or \"password\"");
      }
      return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
    String token = value(secret, ServiceBrokerAuthInfo.TOKEN_KEY);
    if (token == null) {
      throw new AuthException("the auth Secret " + namespace + "/" + name + " lacks key \"token\"");
    }
    return "Bearer " + token.trim();
  }

  private static String value(Secret s, String key) {
    Map<String, String> data = s.getData();
    if (data != null && data.get(key) != null) {
      return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
    }
    Map<String, String> stringData = s.getStringData();
    return stringData == null ? null : stringData.get(key);
  }

  /** The broker's credentials cannot be read; the message names the Secret, never its content. */
  public static class AuthException extends RuntimeException {
    public AuthException(String message) {
      super(message);
    }
  }
}
