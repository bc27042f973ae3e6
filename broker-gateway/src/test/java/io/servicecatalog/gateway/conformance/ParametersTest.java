package io.servicecatalog.gateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.gateway.support.GatewayTestBase;
import io.servicecatalog.gateway.support.TestTopics;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ParametersFromSource;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parameters: inline merged with parametersFrom Secrets, then checked against the plan's JSON
 * schema before any call; a violation is a terminal failure naming the parameter, and nothing is
 * sent.
 */
@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class ParametersTest extends GatewayTestBase {

  private static final String SCHEMA = "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\","
      + "\"properties\":{\"charset\":{\"type\":\"string\",\"enum\":[\"utf8mb4\",\"latin1\"]},"
      + "\"size\":{\"type\":\"integer\",\"maximum\":10},\"password\":{\"type\":\"string\",\"minLength\":12}},"
      + "\"required\":[\"charset\"]}";

  private void secret(String name, String key, String value) {
    kube.secrets().inNamespace(Fixtures.NAMESPACE).resource(new SecretBuilder().withNewMetadata().withNamespace(Fixtures.NAMESPACE)
        .withName(name).endMetadata().withStringData(Map.of(key, value)).build()).createOr(x -> x.update());
  }

  private static ParametersFromSource from(String name, String key) {
    ParametersFromSource f = new ParametersFromSource();
    f.secretKeyRef = new ParametersFromSource.SecretKeyReference();
    f.secretKeyRef.name = name;
    f.secretKeyRef.key = key;
    return f;
  }

  @Test
  void parametersFromSecretsAreMergedWithInlineOnes() throws Exception {
    String s = "params-" + Fixtures.suffix();
    secret(s, "db", "{\"size\":3,\"password\":\"correct-horse-battery\"}");
    ServiceInstance i = newInstance();
    i.getSpec().parametersFrom = List.of(from(s, "db"));
    catalogApi.put(i);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));

    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    JsonNode body = Json.MAPPER.readTree(broker.exactly("PUT", instancePath(i)).get(0).body());
    assertEquals("utf8mb4", body.at("/parameters/charset").asText());
    assertEquals(3, body.at("/parameters/size").asInt());
    assertEquals("correct-horse-battery", body.at("/parameters/password").asText());
    TestTopics.resultRecords(uid(i)).forEach(r -> assertFalse(r.value().contains("correct-horse-battery")));
  }

  @Test
  void aKeyGivenTwiceOrAMissingSecretStopsTheRequestUntilFixed() {
    String s = "params-" + Fixtures.suffix();
    ServiceInstance i = newInstance();
    i.getSpec().parametersFrom = List.of(from(s, "db"));
    catalogApi.put(i);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.FAILED));
    OperationResult missing = last(i, Operation.PROVISION, Outcome.FAILED);
    assertEquals(Reasons.ERROR_WITH_PARAMETERS, missing.reason);
    assertEquals(Boolean.FALSE, missing.terminal);
    assertTrue(missing.message.contains(s), missing.message);

    secret(s, "db", "{\"charset\":\"latin1\"}");
    eventually().until(() -> TestTopics.results(uid(i)).stream().anyMatch(r -> r.message != null && r.message.contains("given twice")));
    assertTrue(broker.exactly("PUT", instancePath(i)).isEmpty(), "no request with broken parameters");

    secret(s, "db", "{\"size\":4}");
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    assertEquals(1, broker.exactly("PUT", instancePath(i)).size());
  }

  @Test
  void aSchemaViolationIsTerminalNamesTheParameterAndSendsNothing() {
    plan.getSpec().instanceCreateParameterSchema = Json.MAPPER.valueToTree(parse(SCHEMA));
    catalogApi.put(plan);
    String s = "params-" + Fixtures.suffix();
    secret(s, "db", "{\"password\":\"short-pw\"}");
    ServiceInstance i = newInstance();
    i.getSpec().parameters = Json.MAPPER.createObjectNode().put("charset", "koi8").put("size", 99);
    i.getSpec().parametersFrom = List.of(from(s, "db"));
    catalogApi.put(i);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));

    eventually().until(() -> has(i, Operation.PROVISION, Outcome.FAILED));
    OperationResult failed = last(i, Operation.PROVISION, Outcome.FAILED);
    assertEquals(Reasons.ERROR_INVALID_PARAMETERS, failed.reason);
    assertEquals(Boolean.TRUE, failed.terminal);
    assertTrue(failed.message.contains("\"charset\"") && failed.message.contains("\"size\"") && failed.message.contains("\"password\""),
        failed.message);
    assertFalse(failed.message.contains("short-pw"), "the value given is never repeated: " + failed.message);
    assertFalse(failed.message.contains("koi8"), failed.message);
    sleep(600);
    assertTrue(broker.requests().stream().noneMatch(r -> r.path().startsWith(instancePath(i))), "no call is made");
  }

  @Test
  void aMissingRequiredParameterIsNamed() {
    plan.getSpec().instanceCreateParameterSchema = Json.MAPPER.valueToTree(parse(SCHEMA));
    catalogApi.put(plan);
    ServiceInstance i = newInstance();
    i.getSpec().parameters = Json.MAPPER.createObjectNode().put("size", 1);
    catalogApi.put(i);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.FAILED));
    assertTrue(last(i, Operation.PROVISION, Outcome.FAILED).message.contains("parameter \"charset\" is required"));
  }

  @Test
  void bindParametersAreCheckedAgainstTheBindingSchema() {
    plan.getSpec().serviceBindingCreateParameterSchema = Json.MAPPER.valueToTree(parse(
        "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\",\"properties\":{\"role\":{\"enum\":[\"ro\",\"rw\"]}},"
            + "\"additionalProperties\":false}"));
    catalogApi.put(plan);
    ServiceInstance i = readyInstance();
    ServiceBinding ok = Fixtures.binding("ok-" + Fixtures.suffix(), i.getMetadata().getName());
    ok.getSpec().parameters = Json.MAPPER.createObjectNode().put("role", "ro");
    ServiceBinding bad = Fixtures.binding("bad-" + Fixtures.suffix(), i.getMetadata().getName());
    bad.getSpec().parameters = Json.MAPPER.createObjectNode().put("role", "admin").put("extra", 1);
    catalogApi.put(ok);
    catalogApi.put(bad);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, ok));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, bad));

    eventually().until(() -> has(ok, Operation.BIND, Outcome.SUCCEEDED) && has(bad, Operation.BIND, Outcome.FAILED));
    OperationResult failed = last(bad, Operation.BIND, Outcome.FAILED);
    assertEquals(Reasons.ERROR_INVALID_PARAMETERS, failed.reason);
    assertTrue(failed.message.contains("\"extra\" is not allowed") && failed.message.contains("\"role\""), failed.message);
    assertTrue(broker.requests().stream().noneMatch(r -> r.path().equals(bindingPath(i, bad))));
  }

  @Test
  void updateParametersAreCheckedAgainstTheUpdateSchema() {
    plan.getSpec().instanceUpdateParameterSchema = Json.MAPPER.valueToTree(parse(SCHEMA));
    catalogApi.put(plan);
    ServiceInstance i = readyInstance();
    i.getMetadata().setGeneration(2L);
    i.getSpec().parameters = Json.MAPPER.createObjectNode().put("charset", "latin1").put("size", 11);
    catalogApi.put(i);
    TestTopics.send(Fixtures.modified(i));
    eventually().until(() -> has(i, Operation.UPDATE, Outcome.FAILED));
    OperationResult failed = last(i, Operation.UPDATE, Outcome.FAILED);
    assertEquals(Reasons.ERROR_INVALID_PARAMETERS, failed.reason);
    assertTrue(failed.message.contains("\"size\""), failed.message);
    assertTrue(broker.exactly("PATCH", instancePath(i)).isEmpty());
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
