package io.servicecatalog.api;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * catalog-api over HTTPS as well as HTTP, with a self-signed certificate made for this run by the
 * JDK's keytool: kubectl sends a token only over TLS (client-go's clientcmd reads user credentials
 * only for a TLS transport). The certificate (PEM) is handed to the test through the configuration
 * ({@code servicecatalog.test.tls.ca-file}) for the kubeconfig's certificate-authority.
 */
public class TlsTestResource implements QuarkusTestResourceLifecycleManager {
  private Path dir;

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory("catalog-api-tls");
      Path keystore = dir.resolve("catalog-api.p12");
      Path cert = dir.resolve("catalog-api.pem");
      String password = UUID.randomUUID().toString();
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      run(List.of(keytool, "-genkeypair", "-alias", "catalog-api", "-keyalg", "RSA", "-keysize", "2048",
          "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
          "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", password, "-keypass", password));
      run(List.of(keytool, "-exportcert", "-rfc", "-alias", "catalog-api", "-keystore", keystore.toString(),
          "-storepass", password, "-file", cert.toString()));
      return Map.of(
          "quarkus.http.ssl.certificate.key-store-file", keystore.toString(),
          "quarkus.http.ssl.certificate.key-store-password", password,
          "quarkus.http.test-ssl-port", "0",
          "quarkus.http.insecure-requests", "enabled",
          "servicecatalog.test.tls.ca-file", cert.toString());
    } catch (Exception e) {
      throw new IllegalStateException("could not make a test certificate with keytool", e);
    }
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + cmd.get(1));
    }
  }

  @Override
  public void stop() {
    if (dir != null) {
      for (File f : dir.toFile().listFiles()) {
        f.delete();
      }
      dir.toFile().delete();
    }
  }
}
