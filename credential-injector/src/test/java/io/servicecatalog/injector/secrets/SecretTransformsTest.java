package io.servicecatalog.injector.secrets;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.v1beta1.ObjectReference;
import io.servicecatalog.model.v1beta1.SecretTransform;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretTransformsTest {

  private static final SecretTransforms.SecretSource NO_SECRETS = (ns, name) -> null;

  private static Map<String, JsonNode> credentials(String json) throws Exception {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    Json.MAPPER.readTree(json).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static Map<String, String> text(SecretData data) {
    Map<String, String> out = new LinkedHashMap<>();
    data.entries().forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
    return out;
  }

  private static SecretData apply(String json, SecretTransform... transforms) throws Exception {
    return SecretTransforms.apply(credentials(json), List.of(transforms), "apps", NO_SECRETS);
  }

  @Test
  void noTransformsSerializesEveryValue() throws Exception {
    SecretData data =
        SecretTransforms.apply(
            credentials("{\"host\":\"db\",\"port\":3306,\"tls\":{\"on\":true}}"), null, "apps",
            NO_SECRETS);
    assertEquals(Map.of("host", "db", "port", "3306", "tls", "{\"on\":true}"), text(data));
  }

  @Test
  void renameMovesTheValueAndIgnoresMissingKeys() throws Exception {
    SecretData data = apply("{\"username\":\"u\",\"port\":1}", rename("username", "user"),
        rename("absent", "whatever"));
    assertEquals(Map.of("user", "u", "port", "1"), text(data));
  }

  @Test
  void addKeyPrefersJsonPathThenStringValueThenValue() throws Exception {
    SecretTransform all = addKey("k", "string", b64("bytes"));
    all.addKey.jsonPathExpression = "{.host}";
    SecretData data =
        apply("{\"host\":\"db\"}", all, addKey("s", "string", b64("bytes")),
            addKey("v", null, b64("by\u0000tes")), addKey("empty", null, null));
    assertEquals("db", text(data).get("k"));
    assertEquals("string", text(data).get("s"));
    assertEquals("by\u0000tes", text(data).get("v"));
    assertEquals("", text(data).get("empty"));
  }

  @Test
  void jsonPathFormsAndTemplates() throws Exception {
    String creds =
        "{\"host\":\"db\",\"port\":3306,\"ratio\":0.00001,\"db\":{\"name\":\"app\",\"opts\":{\"b\":2,\"a\":1}},"
            + "\"hosts\":[\"h0\",\"h1\"],\"user-name\":\"u\"}";
    SecretData data =
        apply(creds,
            jsonPath("a", "{.db.name}"),
            jsonPath("b", "$.db.name"),
            jsonPath("c", "{$.hosts[1]}"),
            jsonPath("d", "{['user-name']}"),
            jsonPath("e", "mysql://{.host}:{.port}/{.db.name}"),
            jsonPath("f", "{.db.opts}"),
            jsonPath("g", "{.ratio}"),
            jsonPath("h", "{.hosts[-1]}"),
            jsonPath("i", "literal only"));
    Map<String, String> t = text(data);
    assertEquals("app", t.get("a"));
    assertEquals("app", t.get("b"));
    assertEquals("h1", t.get("c"));
    assertEquals("u", t.get("d"));
    assertEquals("mysql://db:3306/app", t.get("e"));
    assertEquals("{\"a\":1,\"b\":2}", t.get("f"));
    assertEquals("1e-05", t.get("g"));
    assertEquals("h1", t.get("h"));
    assertEquals("literal only", t.get("i"));
  }

  @Test
  void jsonPathSeesEarlierTransforms() throws Exception {
    SecretData data =
        apply("{\"username\":\"u\"}", rename("username", "user"), jsonPath("copy", "{.user}"),
            addKey("extra", "x", null), jsonPath("copy2", "{.extra}"));
    assertEquals("u", text(data).get("copy"));
    assertEquals("x", text(data).get("copy2"));
  }

  @Test
  void jsonPathErrorsAreTerminalAndNameNoValue() throws Exception {
    TransformException missing =
        assertThrows(TransformException.class,
            () -> apply("{\"password\":\"hunter2\"}", jsonPath("k", "{.password.nested}")));
    assertFalse(missing.retriable());
    assertThat(missing.getMessage(), containsString("secretTransforms[0]"));
    assertFalse(missing.getMessage().contains("hunter2"));

    TransformException unsupported =
        assertThrows(TransformException.class,
            () -> apply("{\"a\":[1]}", jsonPath("k", "{.a[*]}")));
    assertThat(unsupported.getMessage(), containsString("not supported"));

    assertThrows(TransformException.class, () -> apply("{\"a\":1}", jsonPath("k", "{.a")));
    assertThrows(TransformException.class, () -> apply("{\"a\":1}", jsonPath("k", "{..a}")));
  }

  @Test
  void addKeysFromMergesAnotherSecretDefaultingToTheBindingNamespace() throws Exception {
    List<String> asked = new ArrayList<>();
    SecretTransforms.SecretSource source =
        (ns, name) -> {
          asked.add(ns + "/" + name);
          return Map.of("ca.crt", "CERT".getBytes(StandardCharsets.UTF_8),
              "password", "theirs".getBytes(StandardCharsets.UTF_8));
        };
    SecretData data =
        SecretTransforms.apply(
            credentials("{\"password\":\"ours\",\"user\":\"u\"}"),
            List.of(addKeysFrom("shared", "extra"), addKeysFrom(null, "local")),
            "apps", source);
    assertEquals(List.of("shared/extra", "apps/local"), asked);
    assertEquals(Map.of("password", "theirs", "user", "u", "ca.crt", "CERT"), text(data));
  }

  @Test
  void addKeysFromAMissingSecretIsRetriable() {
    TransformException e =
        assertThrows(TransformException.class,
            () -> apply("{}", addKeysFrom("shared", "not-yet")));
    assertTrue(e.retriable());
    assertThat(e.getMessage(), containsString("shared/not-yet"));
  }

  @Test
  void removeKeyAndOrderMatter() throws Exception {
    // add then remove: gone; remove then add: present
    SecretData data =
        apply("{\"a\":\"1\"}", addKey("b", "2", null), remove("b"), remove("a"),
            addKey("a", "again", null), remove("absent"));
    assertEquals(Map.of("a", "again"), text(data));
  }

  @Test
  void invalidBase64ValueIsTerminal() {
    TransformException e =
        assertThrows(TransformException.class, () -> apply("{}", addKey("k", null, "***")));
    assertFalse(e.retriable());
  }

  @Test
  void firstMemberWinsInTheOriginalsOrder() throws Exception {
    SecretTransform both = remove("a");
    both.addKey = addKey("b", "x", null).addKey;
    assertEquals(Map.of("a", "1", "b", "x"), text(apply("{\"a\":\"1\"}", both)));
  }

  // --- builders ------------------------------------------------------------------------------

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static SecretTransform rename(String from, String to) {
    SecretTransform t = new SecretTransform();
    t.renameKey = new SecretTransform.RenameKey();
    t.renameKey.from = from;
    t.renameKey.to = to;
    return t;
  }

  static SecretTransform addKey(String key, String stringValue, String value) {
    SecretTransform t = new SecretTransform();
    t.addKey = new SecretTransform.AddKey();
    t.addKey.key = key;
    t.addKey.stringValue = stringValue;
    t.addKey.value = value;
    return t;
  }

  static SecretTransform jsonPath(String key, String expression) {
    SecretTransform t = addKey(key, null, null);
    t.addKey.jsonPathExpression = expression;
    return t;
  }

  static SecretTransform addKeysFrom(String namespace, String name) {
    SecretTransform t = new SecretTransform();
    t.addKeysFrom = new SecretTransform.AddKeysFrom();
    t.addKeysFrom.secretRef = new ObjectReference(namespace, name);
    return t;
  }

  static SecretTransform remove(String key) {
    SecretTransform t = new SecretTransform();
    t.removeKey = new SecretTransform.RemoveKey();
    t.removeKey.key = key;
    return t;
  }
}
