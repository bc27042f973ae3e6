package io.servicecatalog.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed test CA and server certificates signed by it, made with the JDK's {@code keytool}
 * (no network, nothing checked in): {@link #ca()} is the CA certificate as PEM (what a broker's
 * {@code spec.caBundle} holds), {@link #server(String)} an SSLContext for a server whose
 * certificate carries the given subjectAltName.
 */
public final class TestCertificates {
  private static final String PASS = "changeit";
  private static Path dir;
  private static String caPem;

  private TestCertificates() {}

  /** The CA certificate, PEM. */
  public static synchronized String ca() {
    init();
    return caPem;
  }

  /** A server SSLContext whose certificate (signed by the CA) has {@code san}, e.g. "ip:127.0.0.1". */
  public static synchronized SSLContext server(String san) {
    init();
    try {
      String alias = "srv" + Math.abs(san.hashCode());
      Path store = dir.resolve(alias + ".p12");
      if (!Files.exists(store)) {
        keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
            "-dname", "CN=fake-broker", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASS, "-keypass", PASS);
        Path csr = dir.resolve(alias + ".csr");
        keytool("-certreq", "-alias", alias, "-keystore", store.toString(), "-storepass", PASS, "-file", csr.toString());
        Path signed = dir.resolve(alias + ".pem");
        keytool("-gencert", "-alias", "ca", "-keystore", dir.resolve("ca.p12").toString(), "-storepass", PASS, "-rfc",
            "-validity", "2", "-ext", "SAN=" + san, "-ext", "KU=digitalSignature,keyEncipherment", "-ext", "EKU=serverAuth",
            "-infile", csr.toString(), "-outfile", signed.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", store.toString(), "-storepass", PASS,
            "-file", dir.resolve("ca.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-keystore", store.toString(), "-storepass", PASS,
            "-file", signed.toString());
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, PASS.toCharArray());
      }
      ks.deleteEntry("ca");
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASS.toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test server certificate: " + e.getMessage(), e);
    }
  }

  private static void init() {
    if (dir != null) {
      return;
    }
    try {
      Path d = Files.createTempDirectory("fake-broker-tls");
      d.toFile().deleteOnExit();
      Path ca = d.resolve("ca.p12");
      keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
          "-dname", "CN=fake-broker-test-ca", "-ext", "BC:critical=ca:true", "-ext", "KU:critical=keyCertSign,cRLSign",
          "-storetype", "PKCS12", "-keystore", ca.toString(), "-storepass", PASS, "-keypass", PASS);
      keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASS,
          "-file", d.resolve("ca.pem").toString());
      caPem = Files.readString(d.resolve("ca.pem"), StandardCharsets.US_ASCII);
      dir = d;
    } catch (IOException e) {
      throw new IllegalStateException("cannot make a test CA: " + e.getMessage(), e);
    }
  }

  private static void keytool(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
