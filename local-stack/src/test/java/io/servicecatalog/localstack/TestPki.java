package io.servicecatalog.localstack;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA and one server certificate for 127.0.0.1 / localhost, made with the JDK's
 * {@code keytool} (nothing checked in, no network), in every form the servers and clients here
 * want: PKCS12 key store (Kafka broker), PEM certificate + PKCS#8 PEM key (PostgreSQL), CA as PEM
 * (JDBC {@code sslrootcert}, Vert.x trust options) and as PKCS12 trust store (Kafka clients).
 */
final class TestPki {
  static final String PASSWORD = "changeit";

  final Path dir;
  final Path caPem;
  final Path trustStore;
  final Path serverKeyStore;
  final Path serverCertPem;
  final Path serverKeyPem;

  private TestPki(Path dir) {
    this.dir = dir;
    this.caPem = dir.resolve("ca.pem");
    this.trustStore = dir.resolve("truststore.p12");
    this.serverKeyStore = dir.resolve("server.p12");
    this.serverCertPem = dir.resolve("server.crt");
    this.serverKeyPem = dir.resolve("server.key");
  }

  static TestPki create(Path dir) throws Exception {
    TestPki pki = new TestPki(dir);
    pki.make();
    return pki;
  }

  private void make() throws Exception {
    Path ca = dir.resolve("ca.p12");
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=servicecatalog-test-ca", "-ext", "BC:critical=ca:true", "-ext", "KU:critical=keyCertSign,cRLSign",
        "-storetype", "PKCS12", "-keystore", ca.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD,
        "-file", caPem.toString());
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-storetype", "PKCS12",
        "-keystore", trustStore.toString(), "-storepass", PASSWORD);

    keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-storetype", "PKCS12", "-keystore", serverKeyStore.toString(),
        "-storepass", PASSWORD, "-keypass", PASSWORD);
    Path csr = dir.resolve("server.csr");
    keytool("-certreq", "-alias", "server", "-keystore", serverKeyStore.toString(), "-storepass", PASSWORD,
        "-file", csr.toString());
    keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD, "-rfc", "-validity", "2",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "KU=digitalSignature,keyEncipherment", "-ext", "EKU=serverAuth",
        "-infile", csr.toString(), "-outfile", serverCertPem.toString());
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(),
        "-keystore", serverKeyStore.toString(), "-storepass", PASSWORD);
    keytool("-importcert", "-noprompt", "-alias", "server", "-file", serverCertPem.toString(),
        "-keystore", serverKeyStore.toString(), "-storepass", PASSWORD);

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(serverKeyStore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    Key key = ks.getKey("server", PASSWORD.toCharArray());
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(serverKeyPem, pem);
    // PostgreSQL refuses a key file others can read
    Files.setPosixFilePermissions(serverKeyPem, PosixFilePermissions.fromString("rw-------"));
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
    }
  }
}
