package io.servicecatalog.injector;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.servicecatalog.injector.testsupport.CatalogApiStub;
import io.servicecatalog.injector.testsupport.FakeCatalogApi;
import io.servicecatalog.injector.testsupport.TestKafka;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A new envelope for the same binding (broker-gateway's rotation) updates the Secret in place,
 * reports CredentialsRotated and restarts the workloads that asked for it, and only those.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakeCatalogApi.class)
class RotationTest extends InjectorTestBase {
  static final String RESTART = "servicecatalog.k8s.io/restart-on-rotation";
  static final String RESTARTED_AT = "servicecatalog.k8s.io/restartedAt";

  private static Map<String, Object> credentials(String password) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("uri", "mysql://app:" + password + "@db.example:3306/app");
    c.put("username", "app");
    c.put("password", password);
    return c;
  }

  private static PodTemplateSpec template(String app) {
    return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", app).endMetadata()
        .withNewSpec().addNewContainer().withName(app).withImage("example/" + app).endContainer()
        .endSpec().build();
  }

  private Deployment deployment(String name, String restartOn) {
    DeploymentBuilder b = new DeploymentBuilder().withNewMetadata().withName(name)
        .withNamespace(NS).endMetadata()
        .withNewSpec().withTemplate(template(name)).endSpec();
    if (restartOn != null) {
      b.editMetadata().addToAnnotations(RESTART, restartOn).endMetadata();
    }
    return kube.apps().deployments().inNamespace(NS).resource(b.build()).create();
  }

  private StatefulSet statefulSet(String name, String restartOn) {
    return kube.apps().statefulSets().inNamespace(NS).resource(
        new StatefulSetBuilder().withNewMetadata().withName(name).withNamespace(NS)
            .addToAnnotations(RESTART, restartOn).endMetadata()
            .withNewSpec().withTemplate(template(name)).endSpec().build()).create();
  }

  private Deployment deployment(String name) {
    return kube.apps().deployments().inNamespace(NS).withName(name).get();
  }

  private static String restartedAt(PodTemplateSpec t) {
    Map<String, String> a = t.getMetadata().getAnnotations();
    return a == null ? null : a.get(RESTARTED_AT);
  }

  private static String rv(HasMetadata o) {
    return o.getMetadata().getResourceVersion();
  }

  @Test
  void newCredentialsForTheSameBindingRotateTheSecretAndRestartOptedInWorkloads()
      throws Exception {
    String uid = TestKafka.newUid();
    String id = uid.substring(0, 8);
    String name = "rotating-" + id;
    String secretName = "rotating-creds-" + id;
    CatalogApiStub.exists(NS, name, uid, secretName, Map.of(), true);
    deployment("web-" + id, secretName);
    deployment("other-" + id, "some-other-secret");
    deployment("plain-" + id, null);
    statefulSet("db-" + id, "unrelated, " + secretName);

    // First injection: no restart.
    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, secretName, credentials("old-" + id), null));
    awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED, "InjectedBindResult");
    assertNull(restartedAt(deployment("web-" + id).getSpec().getTemplate()));
    String otherVersion = rv(deployment("other-" + id));
    String plainVersion = rv(deployment("plain-" + id));

    // The gateway rotated the binding: same uid, new credentials.
    CredentialsEnvelope rotated =
        TestKafka.seal(NS, name, uid, secretName, credentials("new-" + id), null);
    kafka.sendEnvelope(rotated);

    OperationResult r =
        awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED, "CredentialsRotated").result();
    assertNotNull(r.lastRotationTime);
    assertEquals(secretName, r.secretName);
    assertThat(r.message, allOf(containsString("deployment/web-" + id),
        containsString("statefulset/db-" + id), not(containsString("other-" + id)),
        not(containsString("plain-" + id)), not(containsString("new-" + id))));
    Secret secret = secret(secretName);
    assertEquals("new-" + id, decode(secret).get("password"));
    assertEquals("mysql://app:new-" + id + "@db.example:3306/app", decode(secret).get("uri"));
    assertEquals(r.lastRotationTime,
        secret.getMetadata().getAnnotations().get("servicecatalog.k8s.io/last-rotation"));

    Deployment web = awaitDeployment("web-" + id);
    assertEquals(r.lastRotationTime, restartedAt(web.getSpec().getTemplate()));
    StatefulSet db = kube.apps().statefulSets().inNamespace(NS).withName("db-" + id).get();
    assertEquals(r.lastRotationTime, restartedAt(db.getSpec().getTemplate()));
    assertEquals(otherVersion, rv(deployment("other-" + id)), "not opted in for this Secret");
    assertEquals(plainVersion, rv(deployment("plain-" + id)), "not opted in");

    // A repair is not a rotation: no restart.
    String webVersion = rv(web);
    Map<String, String> edited = new LinkedHashMap<>(secret.getData());
    edited.put("password", b64("edited"));
    kube.secrets().inNamespace(NS).resource(new SecretBuilder(secret).withData(edited).build()).update();
    awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED, "SecretRepaired");
    assertEquals("new-" + id, decode(secret(secretName)).get("password"));

    // The rotation's envelope delivered again (a consumer restart): reported again with the
    // same time, and no second rollout.
    kafka.sendEnvelope(rotated);
    var again = awaitResults(uid, 2, x -> "CredentialsRotated".equals(x.reason));
    assertEquals(r.lastRotationTime, again.get(1).result().lastRotationTime);
    Thread.sleep(500);
    assertEquals(webVersion, rv(deployment("web-" + id)), "no restart on repair or replay");
  }

  @Test
  void theSameCredentialsSealedAgainAreNoRotation() {
    String uid = TestKafka.newUid();
    String id = uid.substring(0, 8);
    String name = "resealed-" + id;
    CatalogApiStub.exists(NS, name, uid, null, Map.of(), true);
    deployment("app-" + id, name);

    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, credentials("same-" + id), null));
    awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED, "InjectedBindResult");
    String version = rv(deployment("app-" + id));
    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, credentials("same-" + id), null));

    awaitResults(uid, 2, x -> "InjectedBindResult".equals(x.reason));
    assertTrue(kafka.resultsFor(uid, x -> "CredentialsRotated".equals(x.reason)).isEmpty());
    assertEquals(version, rv(deployment("app-" + id)));
  }

  private Deployment awaitDeployment(String name) {
    return org.awaitility.Awaitility.await().atMost(WAIT)
        .until(() -> deployment(name), d -> restartedAt(d.getSpec().getTemplate()) != null);
  }
}
