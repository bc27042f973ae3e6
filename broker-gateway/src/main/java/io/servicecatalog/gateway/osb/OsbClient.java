package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.servicecatalog.gateway.events.AuditPublisher;
import io.servicecatalog.gateway.store.ApiVersionStore;
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
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
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
 * duration, request identity; never bodies), counted and timed by broker, operation and status
 * class, and recorded as an audit event.
 *
 * <ul>
 *   <li><b>Version negotiation.</b> {@code X-Broker-API-Version: 2.17}; a 412 answer makes the
 *       same request go again with the next older version, down to 2.11, and the first version
 *       the broker accepts is remembered for that broker, in memory and in table
 *       {@code broker_api_versions} (read on the first request after a restart); catalog fetches
 *       start from 2.17 again.
 *   <li><b>TLS.</b> {@code caBundle}: only its CAs are trusted, host name checked;
 *       {@code insecureSkipTLSVerify}: nothing checked. A handshake failure is reported as a
 *       "TLS error" naming the problem, and counts as a connect failure (nothing was sent).
 *   <li><b>Per-broker bulkhead.</b> At most {@code servicecatalog.osb.max-concurrent-requests-per-broker}
 *       requests are on the wire to one broker; more wait in a queue (without a thread), so one
 *       slow broker cannot take every worker slot from the others.
 * </ul>
 */
@ApplicationScoped
public class OsbClient {
  private static final Logger LOG = Logger.getLogger(OsbClient.class);

  private final GatewayConfig config;
  private final MeterRegistry registry;
  private final AuditPublisher audit;
  private final Map<TlsKey, HttpClient> clients = new ConcurrentHashMap<>();
  private final Map<String, String> versions = new ConcurrentHashMap<>();
  private final Map<String, Bulkhead> bulkheads = new ConcurrentHashMap<>();

  private final ApiVersionStore versionStore;

  public OsbClient(GatewayConfig config, MeterRegistry registry, AuditPublisher audit, ApiVersionStore versionStore) {
    this.config = config;
    this.registry = registry;
    this.audit = audit;
    this.versionStore = versionStore;
  }

  /** Forgets the versions held in memory, as a restart does (they are read again from the table). */
  public void forgetRememberedVersions() {
    versions.clear();
  }

  /** The API version last accepted by a broker (2.17 until a 412 said otherwise). */
  public String apiVersion(String brokerKey) {
    return versions.getOrDefault(brokerKey, OsbHeaders.VERSION);
  }

  /** Requests to the broker on the wire or waiting for the bulkhead now. */
  public int inFlight(String brokerKey) {
    Bulkhead b = bulkheads.get(brokerKey);
    return b == null ? 0 : b.load();
  }

  public Uni<OsbResponse> send(BrokerEndpoint broker, OsbRequest request) {
    if (request.renegotiate()) {
      return exchange(broker, request, OsbHeaders.VERSION);
    }
    String known = broker.key() == null ? OsbHeaders.VERSION : versions.get(broker.key());
    if (known != null) {
      return exchange(broker, request, known);
    }
    // First request to this broker in this process: what an earlier process (or replica) learned.
    return versionStore.find(broker.key())
        .onFailure().invoke(e -> LOG.debugf("reading the API version of broker %s failed: %s", broker.name(), e.toString()))
        .onFailure().recoverWithNull()
        .flatMap(stored -> {
          String first = stored != null && OsbHeaders.FALLBACK_VERSIONS.contains(stored) ? stored : OsbHeaders.VERSION;
          String raced = versions.putIfAbsent(broker.key(), first);
          return exchange(broker, request, raced != null ? raced : first);
        });
  }

  /** One request with one API version; on 412 the next older version is tried. */
  private Uni<OsbResponse> exchange(BrokerEndpoint broker, OsbRequest request, String version) {
    return bulkhead(broker.key())
        .run(() -> once(broker, request, version))
        .flatMap(response -> {
          if (response.status() == 412) {
            String older = olderThan(version);
            if (older != null) {
              LOG.infof("Broker %s refused API version %s (412); trying %s [%s]", broker.name(), version, older,
                  request.subject());
              return exchange(broker, request, older);
            }
            return Uni.createFrom().item(response);
          }
          if (broker.key() == null) {
            return Uni.createFrom().item(response);
          }
          String before = versions.put(broker.key(), version);
          if (before != null && !before.equals(version) || before == null && !OsbHeaders.VERSION.equals(version)) {
            LOG.infof("Broker %s: speaking OSB API %s from now on", broker.name(), version);
            // Kept in the table, so a restart does not negotiate again (a failure only costs a 412 later).
            return versionStore.save(broker.key(), version)
                .onFailure().invoke(e -> LOG.warnf("remembering API version %s of broker %s failed: %s", version, broker.name(), e.toString()))
                .onFailure().recoverWithNull()
                .replaceWith(response);
          }
          return Uni.createFrom().item(response);
        });
  }

  private static String olderThan(String version) {
    int i = OsbHeaders.FALLBACK_VERSIONS.indexOf(version);
    return i < 0 || i + 1 >= OsbHeaders.FALLBACK_VERSIONS.size() ? null : OsbHeaders.FALLBACK_VERSIONS.get(i + 1);
  }

  private Uni<OsbResponse> once(BrokerEndpoint broker, OsbRequest request, String version) {
    return Uni.createFrom()
        .deferred(
            () -> {
              HttpRequest httpRequest;
              HttpClient client;
              try {
                httpRequest = build(broker, request, version);
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
                      () -> client.sendAsync(httpRequest, LimitedBody.handler(config.osb().maxResponseSize().asLongValue())))
                  .onItemOrFailure()
                  .transformToUni(
                      (response, failure) -> {
                        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        if (failure != null) {
                          OsbTransportException e = transportFailure(broker, request, failure);
                          record(broker, request, "client-error", millis);
                          auditCall(broker, request, version, null, e.timeout() ? "timeout" : "transport-error", millis);
                          LOG.warnf(
                              "OSB %s %s -> %s (%d ms) broker=%s api=%s request-identity=%s [%s]",
                              request.method(),
                              request.pathAndQuery(),
                              e.timeout() ? "timeout" : tlsFailure(e.getCause()) != null ? "TLS error" : "transport error",
                              millis,
                              broker.name(),
                              version,
                              request.requestIdentity(),
                              request.subject());
                          return Uni.createFrom().failure(e);
                        }
                        boolean tooLarge = response.body().tooLarge();
                        record(broker, request, statusClass(response.statusCode()), millis);
                        auditCall(broker, request, version, response.statusCode(), tooLarge ? "body-too-large" : null, millis);
                        LOG.logf(
                            tooLarge ? Logger.Level.WARN : Logger.Level.INFO,
                            "OSB %s %s -> %d%s (%d ms) broker=%s api=%s request-identity=%s [%s]",
                            request.method(),
                            request.pathAndQuery(),
                            response.statusCode(),
                            tooLarge ? ", body larger than " + config.osb().maxResponseSize().asLongValue() + " bytes, not read" : "",
                            millis,
                            broker.name(),
                            version,
                            request.requestIdentity(),
                            request.subject());
                        return Uni.createFrom()
                            .item(
                                new OsbResponse(
                                    response.statusCode(),
                                    response.body().bytes(),
                                    response.headers().firstValue(OsbHeaders.RETRY_AFTER).orElse(null),
                                    request.requestIdentity(),
                                    millis,
                                    version,
                                    tooLarge));
                      });
            });
  }

  private HttpRequest build(BrokerEndpoint broker, OsbRequest request, String version) throws JsonProcessingException {
    String base = Objects.requireNonNull(broker.url(), "broker has no url");
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    Duration timeout = broker.requestTimeout() != null && !broker.requestTimeout().isZero() && !broker.requestTimeout().isNegative()
        ? broker.requestTimeout()
        : config.osb().requestTimeout();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + request.pathAndQuery()))
            .timeout(timeout)
            .header(OsbHeaders.API_VERSION, version)
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
    javax.net.ssl.SSLException tls = tlsFailure(cause);
    boolean connectFailure = tls != null || cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException;
    boolean timeout = !connectFailure && cause instanceof HttpTimeoutException;
    Duration limit = broker.requestTimeout() != null ? broker.requestTimeout() : config.osb().requestTimeout();
    String what =
        tls != null
            ? tlsMessage(broker, tls)
            : timeout
                ? "no answer within " + limit.toSeconds() + "s"
                : (connectFailure ? "cannot connect" : "transport error") + " (" + cause.getClass().getSimpleName() + ")";
    return new OsbTransportException(
        "broker " + broker.name() + ": " + request.method() + " " + pathOnly(request.pathAndQuery()) + ": " + what,
        timeout,
        request.requestIdentity(),
        cause);
  }

  /** The TLS failure somewhere in the cause chain (the handshake never got to send the request). */
  static javax.net.ssl.SSLException tlsFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException ssl) {
        return ssl;
      }
    }
    return null;
  }

  /** What went wrong in the TLS handshake and what the broker's spec can do about it. */
  static String tlsMessage(BrokerEndpoint broker, javax.net.ssl.SSLException tls) {
    Throwable root = tls;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String detail = root.getMessage() != null ? root.getMessage() : tls.getMessage();
    String lower = String.valueOf(detail).toLowerCase(java.util.Locale.ROOT);
    String hint;
    if (lower.contains("subject alternative name") || lower.contains("no name matching") || lower.contains("hostname")) {
      hint = "the broker's certificate does not name the host of its URL";
    } else if (lower.contains("pkix") || lower.contains("certification path") || lower.contains("trust anchor")) {
      hint = "the broker's certificate is not signed by a trusted CA"
          + (blankToNull(broker.caBundle()) == null ? " (the broker has no spec.caBundle)" : " (nor by the CA in spec.caBundle)");
    } else if (lower.contains("expired") || lower.contains("not yet valid")) {
      hint = "the broker's certificate is not valid now";
    } else {
      hint = "the TLS handshake failed";
    }
    return "TLS error: " + hint + ": " + tls.getClass().getSimpleName() + ": " + detail
        + (broker.insecureSkipTlsVerify() ? "" : "; set spec.caBundle to the PEM of the CA that signed the broker's certificate");
  }

  static String pathOnly(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }

  private void record(BrokerEndpoint broker, OsbRequest request, String status, long millis) {
    Counter.builder("servicecatalog.osb.request.count")
        .description("OSB requests sent to brokers, by broker, OSB operation, HTTP method and status class")
        .tag("broker", broker.name())
        .tag("operation", request.action())
        .tag("method", request.method())
        .tag("status", status)
        .register(registry)
        .increment();
    Timer.builder("servicecatalog.osb.request.duration")
        .description("Duration of OSB requests, by broker, OSB operation, HTTP method and status class")
        .tag("broker", broker.name())
        .tag("operation", request.action())
        .tag("method", request.method())
        .tag("status", status)
        .register(registry)
        .record(Duration.ofMillis(millis));
  }

  private void auditCall(BrokerEndpoint broker, OsbRequest request, String version, Integer status, String error, long millis) {
    try {
      audit.osbCall(new AuditPublisher.OsbCall(broker.name(), broker.key(), request.action(), request.method(),
          pathOnly(request.pathAndQuery()), request.requestIdentity(), status, error, millis, version,
          request.resourceUid(), request.subject()));
    } catch (RuntimeException e) {
      LOG.debugf("audit of an OSB call failed: %s", e.toString());
    }
  }

  static String statusClass(int status) {
    return status / 100 + "xx";
  }

  // --- per-broker bulkhead ------------------------------------------------------------------

  private Bulkhead bulkhead(String key) {
    return bulkheads.computeIfAbsent(key == null ? "" : key, k -> new Bulkhead(Math.max(1, config.osb().maxConcurrentRequestsPerBroker())));
  }

  /** At most {@code limit} requests at once; the rest queue (no thread is held while waiting). */
  static final class Bulkhead {
    private final int limit;
    private int running;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

    Bulkhead(int limit) {
      this.limit = limit;
    }

    synchronized int load() {
      return running + waiting.size();
    }

    <T> Uni<T> run(Supplier<Uni<T>> work) {
      return Uni.createFrom().emitter(em -> {
        AtomicBoolean released = new AtomicBoolean();
        AtomicBoolean started = new AtomicBoolean();
        io.smallrye.mutiny.subscription.Cancellable[] inner = new io.smallrye.mutiny.subscription.Cancellable[1];
        Runnable start = () -> {
          started.set(true);
          inner[0] = work.get()
              .onTermination().invoke(() -> {
                if (released.compareAndSet(false, true)) {
                  release();
                }
              })
              .subscribe().with(em::complete, em::fail);
        };
        em.onTermination(() -> {
          boolean wasWaiting;
          synchronized (this) {
            wasWaiting = waiting.remove(start);
          }
          if (!wasWaiting && started.get() && inner[0] != null) {
            inner[0].cancel();
          }
        });
        boolean now;
        synchronized (this) {
          if (running < limit) {
            running++;
            now = true;
          } else {
            waiting.add(start);
            now = false;
          }
        }
        if (now) {
          start.run();
        }
      });
    }

    private void release() {
      Runnable next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          running--;
        }
      }
      if (next != null) {
        next.run(); // the slot passes on
      }
    }
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
