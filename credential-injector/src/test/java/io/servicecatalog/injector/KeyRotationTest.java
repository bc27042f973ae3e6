package io.servicecatalog.injector;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.servicecatalog.injector.testsupport.CatalogApiStub;
import io.servicecatalog.injector.testsupport.FakeCatalogApi;
import io.servicecatalog.injector.testsupport.TestKafka;
import io.servicecatalog.model.crypto.CredentialsCipher;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The injector after a key rotation: a new current key, the tests' usual key as previous one.
 * Envelopes sealed before the rotation (old key) and after it (new key) both become Secrets; one
 * sealed with a key it no longer holds is refused with an error naming key ids and nothing else.
 */
@QuarkusTest
@TestProfile(KeyRotationTest.Rotated.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakeCatalogApi.class)
class KeyRotationTest extends InjectorTestBase {
  static final String NEW_KEY = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
  static final CredentialsCipher NEW = CredentialsCipher.fromBase64(NEW_KEY);

  public static class Rotated implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "servicecatalog.credentials.key", NEW_KEY,
          "servicecatalog.credentials.previous-keys", TestKafka.TEST_KEY);
    }
  }

  @Test
  void envelopesSealedBeforeAndAfterTheRotationBothOpen() {
    String oldUid = TestKafka.newUid();
    String oldName = "before-rotation-" + oldUid.substring(0, 8);
    String newUid = TestKafka.newUid();
    String newName = "after-rotation-" + newUid.substring(0, 8);
    CatalogApiStub.exists(NS, oldName, oldUid, null);
    CatalogApiStub.exists(NS, newName, newUid, null);

    kafka.sendEnvelope(TestKafka.seal(NS, oldName, oldUid, null, Map.of("password", "sealed-with-old"), null));
    kafka.sendEnvelope(TestKafka.seal(NEW, NS, newName, newUid, null, Map.of("password", "sealed-with-new"), null));

    assertEquals("sealed-with-old", decode(awaitSecret(oldName, s -> true)).get("password"));
    assertEquals("sealed-with-new", decode(awaitSecret(newName, s -> true)).get("password"));

    // what tells the operator when the old key can go: envelopes held per key id
    String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(envelopesSealedWith(metrics, TestKafka.CIPHER.keyId()) >= 1, metrics);
    assertTrue(envelopesSealedWith(metrics, NEW.keyId()) >= 1, metrics);
  }

  static double envelopesSealedWith(String metrics, String keyId) {
    Matcher m = Pattern.compile("^servicecatalog_injector_envelopes_by_key\\{[^}]*key_id=\"" + keyId + "\"[^}]*\\} (\\S+)$",
        Pattern.MULTILINE).matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void aKeyNoLongerHeldIsNamedAndNothingOfTheContent() {
    String uid = TestKafka.newUid();
    String name = "dropped-key-" + uid.substring(0, 8);
    CatalogApiStub.exists(NS, name, uid, null);
    CredentialsCipher dropped = CredentialsCipher.fromBase64(CredentialsCipher.generateKey());

    kafka.sendEnvelope(TestKafka.seal(dropped, NS, name, uid, null, Map.of("password", "never-shown-1"), null));

    OperationResult r = awaitResult(uid, Operation.INJECT_SECRET, Outcome.FAILED, null).result();
    assertThat(r.message, containsString(dropped.keyId()));
    assertThat(r.message, containsString(NEW.keyId()));
    assertThat(r.message, containsString("previous-keys"));
    assertThat(r.message, not(containsString("never-shown-1")));
    assertNull(secret(name));
  }
}
