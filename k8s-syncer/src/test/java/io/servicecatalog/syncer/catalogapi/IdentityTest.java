package io.servicecatalog.syncer.catalogapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicecatalog.model.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityTest {

  @Test
  void userInfoBecomesAuthenticatingProxyHeaders() throws Exception {
    List<Map.Entry<String, String>> h =
        Identity.headers(
            Json.MAPPER.readTree(
                """
                {"username":"alice","uid":"u-1","groups":["devs","system:authenticated"],
                 "extra":{"scopes.example.com/x":["a","b"]}}\
                """));
    assertEquals(
        List.of(
            Map.entry("X-Remote-User", "alice"),
            Map.entry("X-Remote-Uid", "u-1"),
            Map.entry("X-Remote-Group", "devs"),
            Map.entry("X-Remote-Group", "system:authenticated"),
            Map.entry("X-Remote-Extra-scopes.example.com%2Fx", "a"),
            Map.entry("X-Remote-Extra-scopes.example.com%2Fx", "b")),
        h);
  }

  @Test
  void noUserNoHeaders() throws Exception {
    assertTrue(Identity.headers(null).isEmpty());
    assertTrue(Identity.headers(Json.MAPPER.readTree("{\"groups\":[\"x\"]}")).isEmpty());
  }

  @Test
  void valuesThatAreNotVisibleAsciiArePercentEncoded() {
    assertEquals("j%C3%BCrgen", Identity.safe("jürgen"));
    assertEquals("plain", Identity.safe("plain"));
  }
}
