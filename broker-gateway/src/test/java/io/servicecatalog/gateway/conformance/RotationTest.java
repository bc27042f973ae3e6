package io.servicecatalog.gateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.support.FakeBroker.Recorded;
import io.servicecatalog.gateway.support.FakeBroker.Reply;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.gateway.support.GatewayTestBase;
import io.servicecatalog.gateway.support.TestTopics;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.crypto.CredentialsCipher;
import io.servicecatalog.model.events.BindingCredentials;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.LocalObjectReference;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBindingStatus;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Binding rotation (spec: Binding Rotation): a successor OSB binding with predecessor_binding_id,
 * its credentials as a new envelope for the same ServiceBinding, the predecessor unbound after
 * the grace period (2 s in tests); on request (spec.rotationRequests) or from renew_before.
 */
@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class RotationTest extends GatewayTestBase {

  @ConfigProperty(name = "servicecatalog.credentials.key")
  String key;

  /** Bound by the gateway, then Ready as catalog-api would mark it once the Secret exists. */
  private ServiceBinding bound(ServiceInstance i) {
    ServiceBinding b = Fixtures.binding("app-" + Fixtures.suffix(), i.getMetadata().getName());
    catalogApi.put(b);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));
    eventually().until(() -> has(b, Operation.BIND, Outcome.SUCCEEDED));
    b.getStatus().unbindStatus = ServiceBindingStatus.UNBIND_REQUIRED;
    b.getStatus().binding = new LocalObjectReference(b.getSpec().secretName);
    b.getStatus().setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.TRUE, Reasons.INJECTED_BIND_RESULT, "ok");
    catalogApi.put(b);
    return b;
  }

  private void requestRotation(ServiceBinding b, long n) {
    b.getSpec().rotationRequests = n;
    b.getMetadata().setGeneration(b.getMetadata().getGeneration() + 1);
    catalogApi.put(b);
    TestTopics.send(Fixtures.modified(b));
  }

  private String password(CredentialsEnvelope e, String uid) throws Exception {
    BindingCredentials c = Json.MAPPER.readValue(CredentialsCipher.fromBase64(key).open(e.nonce(), e.ciphertext(), uid),
        BindingCredentials.class);
    return c.credentials().get("password").asText();
  }

  @Test
  void aRotationRequestMakesASuccessorBindingAndUnbindsThePredecessorAfterTheGracePeriod() throws Exception {
    plan.getSpec().bindingRotatable = true;
    catalogApi.put(plan);
    ServiceInstance i = readyInstance();
    ServiceBinding b = bound(i);
    String first = b.getSpec().externalID;
    requestRotation(b, 1);

    eventually().until(() -> has(b, Operation.ROTATE_BINDING, Outcome.SUCCEEDED));
    OperationResult rotated = last(b, Operation.ROTATE_BINDING, Outcome.SUCCEEDED);
    String successor = rotated.bindingId;
    assertNotEquals(first, successor);
    assertEquals(first, rotated.predecessorBindingId);
    assertEquals(Reasons.BINDING_ROTATED, rotated.reason);
    assertEquals(1L, rotated.rotationRequests);
    assertNotNull(rotated.lastRotationTime);

    Recorded put = broker.exactly("PUT", instancePath(i) + "/service_bindings/" + successor).get(0);
    JsonNode body = Json.MAPPER.readTree(put.body());
    assertEquals(first, body.get("predecessor_binding_id").asText());
    assertEquals(plan.getSpec().externalID, body.get("plan_id").asText());
    assertTrue(body.path("parameters").isMissingNode(), "a rotation needs no parameters");

    List<CredentialsEnvelope> envelopes = TestTopics.credentialRecords(uid(b)).stream()
        .map(r -> read(r.value())).toList();
    assertEquals(2, envelopes.size(), "a new sealed envelope for the same ServiceBinding");
    assertEquals("s3cr3t-" + first, password(envelopes.get(0), uid(b)));
    assertEquals("s3cr3t-" + successor, password(envelopes.get(1), uid(b)));

    // Both are valid in parallel until the grace period (2 s in tests) has passed.
    assertTrue(broker.exactly("DELETE", bindingPath(i, b)).isEmpty());
    eventually().until(() -> has(b, Operation.UNBIND_PREDECESSOR, Outcome.SUCCEEDED));
    Recorded delete = broker.exactly("DELETE", bindingPath(i, b)).get(0);
    assertTrue(delete.at().isAfter(put.at().plusMillis(1500)), "the predecessor lives through the grace period");
    assertEquals(first, last(b, Operation.UNBIND_PREDECESSOR, Outcome.SUCCEEDED).predecessorBindingId);

    // The same request again changes nothing; deleting the binding unbinds the current one.
    TestTopics.send(Fixtures.modified(b));
    b.getMetadata().setDeletionTimestamp(Times.now());
    b.getStatus().binding = null;
    catalogApi.put(b);
    TestTopics.send(Fixtures.modified(b));
    eventually().until(() -> has(b, Operation.UNBIND, Outcome.SUCCEEDED));
    assertEquals(1, broker.exactly("DELETE", instancePath(i) + "/service_bindings/" + successor).size());
    assertEquals(1, broker.exactly("PUT", instancePath(i) + "/service_bindings/" + successor).size());
    assertEquals(successor, last(b, Operation.UNBIND, Outcome.SUCCEEDED).bindingId);
  }

  @Test
  void aPlanThatIsNotBindingRotatableIsNeverRotated() {
    ServiceInstance i = readyInstance();
    ServiceBinding b = bound(i);
    requestRotation(b, 1);
    eventually().until(() -> has(b, Operation.ROTATE_BINDING, Outcome.FAILED));
    OperationResult failed = last(b, Operation.ROTATE_BINDING, Outcome.FAILED);
    assertEquals(Reasons.ERROR_BINDING_NOT_ROTATABLE, failed.reason);
    assertEquals(Boolean.TRUE, failed.terminal);
    assertEquals(1, broker.requests("PUT", instancePath(i) + "/service_bindings/").stream()
        .filter(r -> r.path().startsWith(instancePath(i))).count(), "only the original bind");
  }

  @Test
  void renewBeforeSchedulesAnAutomaticRotation() {
    plan.getSpec().bindingRotatable = true;
    catalogApi.put(plan);
    ServiceInstance i = readyInstance();
    ServiceBinding b = Fixtures.binding("app-" + Fixtures.suffix(), i.getMetadata().getName());
    String renew = Times.format(Instant.now().plusSeconds(3));
    broker.program(b.getSpec().externalID, "PUT", "", Reply.of(201, "{\"credentials\":{\"password\":\"one\"},"
        + "\"metadata\":{\"renew_before\":\"" + renew + "\",\"expires_at\":\"" + Times.format(Instant.now().plusSeconds(60)) + "\"}}"));
    catalogApi.put(b);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));
    eventually().until(() -> has(b, Operation.BIND, Outcome.SUCCEEDED));
    OperationResult boundResult = last(b, Operation.BIND, Outcome.SUCCEEDED);
    assertEquals(renew, boundResult.renewBefore);
    assertEquals(renew, boundResult.nextRotationTime);
    assertEquals(b.getSpec().externalID, boundResult.bindingId);
    b.getStatus().setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.TRUE, Reasons.INJECTED_BIND_RESULT, "ok");
    b.getStatus().unbindStatus = ServiceBindingStatus.UNBIND_REQUIRED;
    catalogApi.put(b);

    eventually().until(() -> has(b, Operation.ROTATE_BINDING, Outcome.SUCCEEDED));
    OperationResult rotated = last(b, Operation.ROTATE_BINDING, Outcome.SUCCEEDED);
    assertTrue(Instant.parse(rotated.lastRotationTime).plusSeconds(1).isAfter(Instant.parse(renew)), "not before renew_before");
    assertEquals(b.getSpec().externalID, rotated.predecessorBindingId);
    assertEquals(null, rotated.rotationRequests == null || rotated.rotationRequests == 0 ? null : rotated.rotationRequests);
  }

  private static CredentialsEnvelope read(String json) {
    try {
      return Json.MAPPER.readValue(json, CredentialsEnvelope.class);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

}
