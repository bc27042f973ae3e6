package io.servicecatalog.model;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.crypto.CredentialsCipher;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;

class ContractsTest {

  @Test
  void originalServiceInstanceJsonRoundTrips() throws Exception {
    String json =
        """
        {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ServiceInstance",
         "metadata":{"name":"mariadb-instance","namespace":"default"},
         "spec":{"clusterServiceClassExternalName":"mariadb","clusterServicePlanExternalName":"small",
                 "parameters":{"charset":"utf8mb4"}}}""";
    ServiceInstance si = Json.MAPPER.readValue(json, ServiceInstance.class);
    assertEquals("ServiceInstance", si.getKind());
    assertEquals("small", si.getSpec().clusterServicePlanExternalName);
    JsonNode back = Json.MAPPER.valueToTree(si);
    assertEquals("utf8mb4", back.at("/spec/parameters/charset").asText());
    assertFalse(back.at("/spec").has("externalID"), "nulls are not written");
  }

  @Test
  void conditionTransitionTimeMovesOnlyWithStatus() {
    ServiceBinding b = new ServiceBinding();
    b.setStatus(new io.servicecatalog.model.v1beta1.ServiceBindingStatus());
    assertTrue(b.getStatus().setCondition("Ready", "False", "Binding", "m1"));
    String t = b.getStatus().condition("Ready").getLastTransitionTime();
    assertTrue(b.getStatus().setCondition("Ready", "False", "InjectingBindResult", "m2"));
    assertEquals(t, b.getStatus().condition("Ready").getLastTransitionTime());
    assertEquals("InjectingBindResult", b.getStatus().lastConditionState);
    b.getStatus().setCondition("Ready", "True", "InjectedBindResult", "ok");
    assertEquals("Ready", b.getStatus().lastConditionState);
    assertFalse(b.getStatus().setCondition("Ready", "True", "InjectedBindResult", "ok"));
  }

  @Test
  void eventsSerializeWithVersion() throws Exception {
    OperationResult r =
        OperationResult.about("broker-gateway", "ServiceInstance", "default", "i", "uid-1", 1L)
            .op(OperationResult.Operation.PROVISION, OperationResult.Outcome.SUCCEEDED, "R", "M");
    JsonNode n = Json.MAPPER.valueToTree(r);
    assertEquals(1, n.get("schemaVersion").asInt());
    assertEquals("PROVISION", n.get("operation").asText());
    OperationResult back = Json.MAPPER.treeToValue(n, OperationResult.class);
    assertEquals(OperationResult.Outcome.SUCCEEDED, back.outcome);

    ResourceEvent e =
        new ResourceEvent(1, "e", ResourceEvent.Type.ADDED, "ServiceInstance", "default", "i",
            "uid-1", "7", 1L, Times.now(), Json.MAPPER.createObjectNode());
    assertEquals(e, Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(e), ResourceEvent.class));
  }

  @Test
  void sealedCredentialsOpenOnlyForTheSameBindingAndKey() throws Exception {
    CredentialsCipher cipher = CredentialsCipher.fromBase64(CredentialsCipher.generateKey());
    byte[] secret = "{\"password\":\"s3cr3t\"}".getBytes(StandardCharsets.UTF_8);
    CredentialsCipher.Sealed s = cipher.seal(secret, "binding-uid-1");
    assertFalse(s.ciphertext().contains("s3cr3t"));
    CredentialsEnvelope env =
        new CredentialsEnvelope(1, "binding-uid-1", "ns", "b", "b", 1L, s.keyId(),
            CredentialsCipher.ALGORITHM, s.nonce(), s.ciphertext());
    assertFalse(Json.MAPPER.writeValueAsString(env).contains("s3cr3t"));
    assertArrayEquals(secret, cipher.open(s.nonce(), s.ciphertext(), "binding-uid-1"));
    assertThrows(GeneralSecurityException.class, () -> cipher.open(s.nonce(), s.ciphertext(), "other"));
    CredentialsCipher other = CredentialsCipher.fromBase64(CredentialsCipher.generateKey());
    assertThrows(GeneralSecurityException.class, () -> other.open(s.nonce(), s.ciphertext(), "binding-uid-1"));
  }

  @Test
  void escapedNamesFollowTheOriginal() {
    assertEquals("abc-123", Names.escapedName("abc-123"));
    assertEquals("az5fzb", Names.escapedName("a_b"));
    assertEquals("z41z", Names.escapedName("A"));
    String longId = "x".repeat(80);
    assertTrue(Names.escapedName(longId).length() <= 63);
    assertNull(Names.validateSubdomain("mariadb-instance"));
    assertNotNull(Names.validateSubdomain("Bad_Name"));
  }
}
