package io.servicecatalog.syncer.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class UserInfoStamperTest {
  static final String SYNCER = "system:serviceaccount:service-catalog:k8s-syncer";
  final UserInfoStamper stamper = new UserInfoStamper(SYNCER);

  static ObjectNode review(
      String operation, String kind, String username, ObjectNode object, ObjectNode old)
      throws Exception {
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode req = r.putObject("request");
    req.put("uid", "req-1").put("operation", operation);
    req.putObject("kind")
        .put("group", "servicecatalog.k8s.io")
        .put("version", "v1beta1")
        .put("kind", kind);
    ObjectNode user = req.putObject("userInfo").put("username", username).put("uid", "u-42");
    user.putArray("groups").add("system:authenticated").add("devs");
    user.putObject("extra").putArray("scopes.example.com").add("read");
    req.set("object", object);
    if (old != null) {
      req.set("oldObject", old);
    }
    return r;
  }

  static ObjectNode instance() throws Exception {
    return (ObjectNode)
        Json.MAPPER.readTree(
            """
            {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ServiceInstance",
             "metadata":{"name":"mariadb-instance","namespace":"default"},
             "spec":{"clusterServiceClassExternalName":"mariadb","clusterServicePlanExternalName":"small"}}\
            """);
  }

  static ArrayNode patchOf(JsonNode answer) throws Exception {
    JsonNode p = answer.path("response").get("patch");
    return p == null
        ? Json.MAPPER.createArrayNode()
        : (ArrayNode) Json.MAPPER.readTree(Base64.getDecoder().decode(p.asText()));
  }

  @Test
  void createStampsTheRequestingUserAndTheFinalizer() throws Exception {
    JsonNode answer =
        stamper.review(review("CREATE", "ServiceInstance", "alice", instance(), null));
    assertEquals("req-1", answer.path("response").path("uid").asText());
    assertTrue(answer.path("response").path("allowed").asBoolean());
    assertEquals("JSONPatch", answer.path("response").path("patchType").asText());
    ArrayNode patch = patchOf(answer);
    assertEquals("/metadata/finalizers", patch.get(0).path("path").asText());
    assertEquals(ServiceCatalog.FINALIZER, patch.get(0).path("value").get(0).asText());
    JsonNode userInfo = patch.get(1).path("value");
    assertEquals("/spec/userInfo", patch.get(1).path("path").asText());
    assertEquals("alice", userInfo.path("username").asText());
    assertEquals("u-42", userInfo.path("uid").asText());
    assertEquals("devs", userInfo.path("groups").get(1).asText());
    assertEquals("read", userInfo.path("extra").path("scopes.example.com").get(0).asText());
  }

  @Test
  void aSpecChangeIsStampedWithTheNewUserButAMetadataChangeIsNot() throws Exception {
    ObjectNode old = instance();
    ((ObjectNode) old.get("spec")).putObject("userInfo").put("username", "alice");
    ObjectNode changed = old.deepCopy();
    ((ObjectNode) changed.get("spec")).put("clusterServicePlanExternalName", "large");
    ArrayNode patch =
        patchOf(stamper.review(review("UPDATE", "ServiceInstance", "bob", changed, old)));
    assertEquals(1, patch.size());
    assertEquals("bob", patch.get(0).path("value").path("username").asText());

    ObjectNode labelled = old.deepCopy();
    ((ObjectNode) labelled.get("metadata")).putObject("labels").put("team", "a");
    assertTrue(
        patchOf(stamper.review(review("UPDATE", "ServiceInstance", "bob", labelled, old)))
            .isEmpty());
  }

  @Test
  void aUserInfoWrittenByHandIsReplacedByTheWritersOwn() throws Exception {
    ObjectNode old = instance();
    ((ObjectNode) old.get("spec")).putObject("userInfo").put("username", "alice");
    ObjectNode forged = old.deepCopy();
    ((ObjectNode) forged.get("spec")).putObject("userInfo").put("username", "admin");
    ArrayNode patch =
        patchOf(stamper.review(review("UPDATE", "ServiceInstance", "mallory", forged, old)));
    assertEquals("mallory", patch.get(0).path("value").path("username").asText());

    ObjectNode createdForged = instance();
    ((ObjectNode) createdForged.get("spec")).putObject("userInfo").put("username", "admin");
    ArrayNode onCreate =
        patchOf(
            stamper.review(review("CREATE", "ServiceInstance", "mallory", createdForged, null)));
    assertEquals("mallory", onCreate.get(1).path("value").path("username").asText());
  }

  @Test
  void theSyncersOwnWritesAreLeftAlone() throws Exception {
    JsonNode answer = stamper.review(review("CREATE", "ServiceInstance", SYNCER, instance(), null));
    assertTrue(answer.path("response").path("allowed").asBoolean());
    assertFalse(answer.path("response").has("patch"));
  }

  @Test
  void brokersGetTheFinalizerButNoUserInfo() throws Exception {
    ObjectNode broker =
        (ObjectNode)
            Json.MAPPER.readTree(
                """
                {"kind":"ClusterServiceBroker","metadata":{"name":"b","finalizers":["other"]},"spec":{"url":"http://b"}}\
                """);
    ArrayNode patch =
        patchOf(stamper.review(review("CREATE", "ClusterServiceBroker", "alice", broker, null)));
    assertEquals(1, patch.size());
    assertEquals("/metadata/finalizers/-", patch.get(0).path("path").asText());
  }
}
