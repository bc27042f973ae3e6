package io.servicecatalog.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real kubectl (Debian's kubernetes-client) pointed straight at catalog-api: the local
 * stack's kubectl experience with no cluster. Skipped, saying so, where kubectl is not installed
 * (bin/test installs it).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(TlsTestResource.class)
class KubectlTest {
  // kubectl sends its token over TLS only
  @TestHTTPResource(value = "/", tls = true)
  URL base;

  Path kubeconfig;
  static final Path EXAMPLES = Path.of("..", "examples");

  @BeforeEach
  void kubeconfig() throws Exception {
    assumeTrue(new File("/usr/bin/kubectl").canExecute() || onPath("kubectl"),
        "kubectl is not installed (apt-get install kubernetes-client); skipping the kubectl test");
    kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
    String server = base.toString().replaceAll("/$", "");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - cluster: {server: "%s", certificate-authority: "%s"}
          name: catalog
        contexts:
        - context: {cluster: catalog, namespace: default, user: admin}
          name: catalog
        current-context: catalog
        users:
        - name: admin
          user: {token: "%s"}
        """.formatted(server, org.eclipse.microprofile.config.ConfigProvider.getConfig()
            .getValue("servicecatalog.test.tls.ca-file", String.class), TestCredentials.ADMIN_TOKEN));
  }

  @Test
  void createGetDescribeLabelWatchDelete() throws Exception {
    String created = kubectl("create", "-f", EXAMPLES.resolve("mariadb-instance.yaml").toString());
    assertTrue(created.contains("serviceinstance.servicecatalog.k8s.io/mariadb-instance created"), created);
    kubectl("create", "-f", EXAMPLES.resolve("mariadb-broker.yaml").toString());
    String get = kubectl("get", "serviceinstances");
    assertTrue(get.contains("CLASS") && get.contains("PLAN") && get.contains("STATUS") && get.contains("AGE"), get);
    assertTrue(get.contains("mariadb-instance"), get);
    String category = kubectl("get", "servicecatalog");
    assertTrue(category.contains("clusterservicebroker.servicecatalog.k8s.io/mariadb-broker"), category);
    String described = kubectl("describe", "serviceinstance", "mariadb-instance");
    assertTrue(described.contains("Cluster Service Class External Name:  mariadb"), described);
    kubectl("label", "serviceinstance", "mariadb-instance", "team=a");
    assertTrue(kubectl("get", "serviceinstances", "-l", "team=a", "-o", "name")
        .contains("serviceinstance.servicecatalog.k8s.io/mariadb-instance"));
    String yaml = kubectl("get", "serviceinstance", "mariadb-instance", "-o", "yaml");
    assertTrue(yaml.contains("externalID:") && yaml.contains("team: a"), yaml);
    String watched = run(4, "get", "serviceinstances", "--watch").out;
    assertTrue(watched.contains("mariadb-instance"), watched);
    String deleted = kubectl("delete", "serviceinstance", "mariadb-instance", "--wait=false");
    assertTrue(deleted.contains("deleted"), deleted);
    assertEquals("", kubectl("get", "serviceinstances", "-o", "name").trim(),
        "an instance nothing was provisioned for goes at once");
    kubectl("delete", "clusterservicebroker", "mariadb-broker");
  }

  private String kubectl(String... args) throws Exception {
    Result r = run(30, args);
    if (r.code != 0) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " failed (" + r.code + "): " + r.out);
    }
    return r.out;
  }

  record Result(int code, String out) {}

  /** Runs kubectl for at most {@code seconds} (a watch is stopped then) and returns its output. */
  private Result run(int seconds, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("kubectl");
    cmd.add("--kubeconfig=" + kubeconfig);
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("kubectl", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
    String text = Files.readString(out);
    Files.deleteIfExists(out);
    return new Result(p.exitValue(), text);
  }

  private static boolean onPath(String exe) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, exe).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
