package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.servicecatalog.model.Json;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jboss.logging.Logger;

/**
 * Sends OSB requests with the JDK HTTP client (broker URLs are dynamic, so a typed REST client
 * does not fit). Every request carries the API version, a request identity, authentication and
 * the originating identity when there is one; each call is logged (method, path, status,
 * duration, request identity; never bodies) and counted.
 */
@ApplicationScoped
public class OsbClient {
  private static final Logger LOG = Logger.getLogger(OsbClient.class);

  private final GatewayConfig config;
  private final MeterRegistry registry;
  private final Map<TlsKey, HttpClient> clients = new ConcurrentHashMap<>();

  public OsbClient(GatewayConfig config, MeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  public Uni<OsbResponse> send(BrokerEndpoint broker, OsbRequest request) {
    return Uni.createFrom()
        .deferred(
            () -> {
              HttpRequest httpRequest;
              HttpClient client;
              try {
                httpRequest = build(broker, request);
                client = clientFor(broker);
              } catch (RuntimeException | JsonProcessingException | GeneralSecurityException e) {
                return Uni.createFrom()
                    .failure(
                        new OsbTransportException(
                            "cannot send to broker " + broker.name() + ": " + e.getMessage(),
                            false,
                            request.requestIdentity(),
                            e));
              }
              long start = System.nanoTime();
              return Uni.createFrom()
                  .completionStage(
                      () -> client.sendAsync(httpRequest, HttpResponse.BodyHandlers.ofByteArray()))
                  .onItemOrFailure()
                  .transformToUni(
                      (response, failure) -> {
                        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        if (failure != null) {
                          OsbTransportException e = transportFailure(broker, request, failure);
                          record(broker, request, "client-error", millis);
                          LOG.warnf(
                              "OSB %s %s -> %s (%d ms) broker=%s request-identity=%s [%s]",
                              request.method(),
                              request.pathAndQuery(),
                              e.timeout() ? "timeout" : "transport error",
                              millis,
                              broker.name(),
                              request.requestIdentity(),
                              request.subject());
                          return Uni.createFrom().failure(e);
                        }
                        record(broker, request, statusClass(response.statusCode()), millis);
                        LOG.infof(
                            "OSB %s %s -> %d (%d ms) broker=%s request-identity=%s [%s]",
                            request.method(),
                            request.pathAndQuery(),
                            response.statusCode(),
                            millis,
                            broker.name(),
                            request.requestIdentity(),
                            request.subject());
                        return Uni.createFrom()
                            .item(
                                new OsbResponse(
                                    response.statusCode(),
                                    response.body(),
                                    response.headers().firstValue(OsbHeaders.RETRY_AFTER).orElse(null),
                                    request.requestIdentity(),
                                    millis));
                      });
            });
  }

  private HttpRequest build(BrokerEndpoint broker, OsbRequest request) throws JsonProcessingException {
    String base = Objects.requireNonNull(broker.url(), "broker has no url");
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + request.pathAndQuery()))
            .timeout(config.osb().requestTimeout())
            .header(OsbHeaders.API_VERSION, OsbHeaders.VERSION)
            .header(OsbHeaders.REQUEST_IDENTITY, request.requestIdentity())
            .header(OsbHeaders.ACCEPT, OsbHeaders.APPLICATION_JSON);
    if (broker.authorization() != null) {
      b.header(OsbHeaders.AUTHORIZATION, broker.authorization());
    }
    if (request.originatingIdentity() != null) {
      b.header(OsbHeaders.ORIGINATING_IDENTITY, request.originatingIdentity());
    }
    if (request.body() != null) {
      b.header(OsbHeaders.CONTENT_TYPE, OsbHeaders.APPLICATION_JSON);
      b.method(request.method(), HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(request.body())));
    } else {
      b.method(request.method(), HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  private OsbTransportException transportFailure(BrokerEndpoint broker, OsbRequest request, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    boolean connectFailure = cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException;
    boolean timeout = !connectFailure && cause instanceof HttpTimeoutException;
    String what =
        timeout
            ? "no answer within " + config.osb().requestTimeout().toSeconds() + "s"
            : (connectFailure ? "cannot connect" : "transport error") + " (" + cause.getClass().getSimpleName() + ")";
    return new OsbTransportException(
        "broker " + broker.name() + ": " + request.method() + " " + pathOnly(request.pathAndQuery()) + ": " + what,
        timeout,
        request.requestIdentity(),
        cause);
  }

  private static String pathOnly(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }

  private void record(BrokerEndpoint broker, OsbRequest request, String status, long millis) {
    Counter.builder("servicecatalog.osb.request.count")
        .description("OSB requests sent to brokers, by broker, call and status class")
        .tag("broker", broker.name())
        .tag("method", request.action())
        .tag("status", status)
        .register(registry)
        .increment();
    Timer.builder("servicecatalog.osb.request.duration")
        .description("Duration of OSB requests")
        .tag("broker", broker.name())
        .tag("method", request.action())
        .tag("status", status)
        .register(registry)
        .record(Duration.ofMillis(millis));
  }

  static String statusClass(int status) {
    return status / 100 + "xx";
  }

  // --- TLS ----------------------------------------------------------------------------------

  private record TlsKey(boolean insecure, String caBundle) {}

  private HttpClient clientFor(BrokerEndpoint broker) throws GeneralSecurityException {
    TlsKey key = new TlsKey(broker.insecureSkipTlsVerify(), blankToNull(broker.caBundle()));
    HttpClient existing = clients.get(key);
    if (existing != null) {
      return existing;
    }
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(config.osb().connectTimeout());
    if (key.insecure()) {
      b.sslContext(trustAll());
    } else if (key.caBundle() != null) {
      b.sslContext(trusting(key.caBundle()));
    }
    HttpClient created = b.build();
    HttpClient raced = clients.putIfAbsent(key, created);
    return raced != null ? raced : created;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** caBundle is PEM, base64-encoded as Kubernetes []byte fields are (plain PEM accepted too). */
  private static SSLContext trusting(String caBundle) throws GeneralSecurityException {
    String pem = caBundle.contains("-----BEGIN") ? caBundle : new String(Base64.getMimeDecoder().decode(caBundle), StandardCharsets.UTF_8);
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
    int i = 0;
    for (Certificate cert :
        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      store.setCertificateEntry("ca-" + i++, cert);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** insecureSkipTLSVerify: no chain and no host name check (the broker asked for it). */
  private static SSLContext trustAll() throws GeneralSecurityException {
    TrustManager tm =
        new X509ExtendedTrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s) {}

          @Override
          public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

          @Override
          public void checkClientTrusted(X509Certificate[] c, String a) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {tm}, null);
    return ctx;
  }
}
