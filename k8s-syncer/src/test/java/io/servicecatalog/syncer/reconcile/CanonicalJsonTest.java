package io.servicecatalog.syncer.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  @Test
  void memberOrderNullsAndNumberTypesDoNotMatter() throws Exception {
    ObjectNode a =
        (ObjectNode) Json.MAPPER.readTree("{\"b\":1,\"a\":{\"y\":2.0,\"x\":null},\"c\":[1,2]}");
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.putObject("a").put("y", 2L);
    b.put("b", 1L);
    b.putArray("c").add(1).add(2L);
    assertTrue(CanonicalJson.same(a, b));
    assertEquals(CanonicalJson.hash(a), CanonicalJson.hash(b));
  }

  @Test
  void valuesAndArrayOrderDo() throws Exception {
    assertFalse(CanonicalJson.same(Json.MAPPER.readTree("[1,2]"), Json.MAPPER.readTree("[2,1]")));
    assertNotEquals(
        CanonicalJson.hash(Json.MAPPER.readTree("{\"a\":\"1\"}")),
        CanonicalJson.hash(Json.MAPPER.readTree("{\"a\":1}")));
  }

  @Test
  void absentAndNullAreTheSame() throws Exception {
    assertTrue(CanonicalJson.same(null, Json.MAPPER.readTree("null")));
    assertEquals("", CanonicalJson.hash(null));
  }
}
