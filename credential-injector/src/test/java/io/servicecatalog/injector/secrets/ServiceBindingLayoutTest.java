package io.servicecatalog.injector.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.injector.secrets.ServiceBindingLayout.Mode;
import io.servicecatalog.injector.secrets.ServiceBindingLayout.Settings;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.v1beta1.SecretTransform;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceBindingLayoutTest {
  private static final Settings DEFAULT = Settings.of(Map.of(), Mode.SERVICEBINDING_IO);

  private static Map<String, JsonNode> credentials(String json) throws Exception {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    Json.MAPPER.readTree(json).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** Broker credentials → layout → Secret text, with the mariadb class of mariadb-broker. */
  private static Map<String, String> layout(String json, Settings settings) throws Exception {
    return text(SecretFormat.toSecretData(
        ServiceBindingLayout.enrich(credentials(json), settings, "mariadb", "mariadb-broker")));
  }

  private static Map<String, String> text(SecretData data) {
    Map<String, String> out = new LinkedHashMap<>();
    data.entries().forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void typeAndProviderComeFromTheClassAndTheBroker() throws Exception {
    assertEquals(
        Map.of("host", "db", "port", "3306", "type", "mariadb", "provider", "mariadb-broker"),
        layout("{\"host\":\"db\",\"port\":3306}", DEFAULT));
  }

  @Test
  void wellKnownEntriesAreCopiedFromTheNamesBrokersUse() throws Exception {
    Map<String, String> out =
        layout("{\"hostname\":\"db\",\"login\":\"app\",\"pass\":\"pw\",\"db\":\"appdb\","
            + "\"url\":\"mysql://db:3306/appdb\"}", DEFAULT);
    assertEquals("db", out.get("host"));
    assertEquals("app", out.get("username"));
    assertEquals("pw", out.get("password"));
    assertEquals("appdb", out.get("database"));
    assertEquals("mysql://db:3306/appdb", out.get("uri"));
    assertEquals("3306", out.get("port"), "taken from the uri");
    // The broker's own names stay.
    assertEquals("db", out.get("hostname"));
    assertEquals("app", out.get("login"));
    assertEquals("mysql://db:3306/appdb", out.get("url"));
  }

  @Test
  void aliasesAreTriedInOrder() throws Exception {
    Map<String, String> out = layout("{\"user\":\"first\",\"login\":\"second\",\"name\":\"n\"}", DEFAULT);
    assertEquals("first", out.get("username"));
    assertEquals("n", out.get("database"));
  }

  @Test
  void everythingIsTakenApartFromTheUriWhenMissing() throws Exception {
    Map<String, String> out =
        layout("{\"uri\":\"mysql://app%40corp:p%3Ass+w@db.example:3306/app_db?tls=true\"}", DEFAULT);
    assertEquals("db.example", out.get("host"));
    assertEquals("3306", out.get("port"));
    assertEquals("app@corp", out.get("username"));
    assertEquals("p:ss+w", out.get("password"), "percent-decoded, '+' kept");
    assertEquals("app_db", out.get("database"));
  }

  @Test
  void keysTheBrokerGaveAreNeverOverwritten() throws Exception {
    Map<String, String> out =
        layout("{\"host\":\"given\",\"username\":\"given-user\",\"hostname\":\"alias\","
            + "\"uri\":\"mysql://u:p@fromuri:1/d\",\"type\":\"mysql\",\"provider\":\"acme\","
            + "\"port\":null}", DEFAULT);
    assertEquals("given", out.get("host"));
    assertEquals("given-user", out.get("username"));
    assertEquals("mysql", out.get("type"));
    assertEquals("acme", out.get("provider"));
    assertEquals("null", out.get("port"), "even a null the broker gave");
    assertEquals("p", out.get("password"));
    assertEquals("d", out.get("database"));
  }

  @Test
  void annotationsOverrideTypeAndProvider() throws Exception {
    Settings s = Settings.of(Map.of(ServiceBindingLayout.TYPE_ANNOTATION, "mysql",
        ServiceBindingLayout.PROVIDER_ANNOTATION, "bitnami"), Mode.SERVICEBINDING_IO);
    Map<String, String> out = layout("{\"type\":\"from-broker\"}", s);
    assertEquals("mysql", out.get("type"));
    assertEquals("bitnami", out.get("provider"));
  }

  @Test
  void uriVariants() {
    ConnectionUri jdbc = ConnectionUri.parse("jdbc:mariadb://h:3307/d");
    assertEquals("h", jdbc.host);
    assertEquals("3307", jdbc.port);
    assertEquals("d", jdbc.database);
    ConnectionUri v6 = ConnectionUri.parse("postgresql://u@[::1]:5432/db");
    assertEquals("::1", v6.host);
    assertEquals("5432", v6.port);
    assertEquals("u", v6.username);
    assertNull(v6.password);
    ConnectionUri many = ConnectionUri.parse("mongodb://u:p@h1:1,h2:2/db?replicaSet=rs");
    assertNull(many.host, "several hosts: no single host");
    assertNull(many.port);
    assertEquals("p", many.password);
    assertEquals("db", many.database);
    ConnectionUri http = ConnectionUri.parse("https://api.example.com/v1");
    assertEquals("api.example.com", http.host);
    assertNull(http.database, "an http path is not a database");
    assertNull(ConnectionUri.parse("mysql://h/a/b").database);
    assertNull(ConnectionUri.parse("not a uri").host);
    assertNull(ConnectionUri.parse("redis://h:notaport").port);
    assertFalse(ConnectionUri.parse("mysql://u:secret@h/d").toString().contains("secret"));
  }

  @Test
  void originalLayoutAddsNothing() throws Exception {
    Settings original = Settings.of(Map.of(ServiceBindingLayout.LAYOUT_ANNOTATION, "original"),
        Mode.SERVICEBINDING_IO);
    assertEquals(Mode.ORIGINAL, original.mode());
    assertEquals(Map.of("hostname", "db", "url", "mysql://u:p@db/x"),
        layout("{\"hostname\":\"db\",\"url\":\"mysql://u:p@db/x\"}", original));
    SecretData data = SecretFormat.toSecretData(Map.of("type", "mysql"));
    assertEquals("Opaque", ServiceBindingLayout.secretType(Mode.ORIGINAL, data));
  }

  @Test
  void settingsComeFromAnnotations() {
    assertEquals(Mode.SERVICEBINDING_IO, DEFAULT.mode());
    assertEquals(Mode.ORIGINAL, Settings.of(Map.of(), Mode.ORIGINAL).mode(), "configured default");
    assertEquals(Mode.SERVICEBINDING_IO,
        Settings.of(Map.of(ServiceBindingLayout.LAYOUT_ANNOTATION, " ServiceBinding.IO "),
            Mode.ORIGINAL).mode());
    Settings typo = Settings.of(Map.of(ServiceBindingLayout.LAYOUT_ANNOTATION, "orignal"),
        Mode.SERVICEBINDING_IO);
    assertEquals(Mode.SERVICEBINDING_IO, typo.mode(), "unknown value: the default, with a warning");
    assertTrue(typo.warning().contains("orignal"));
    assertNull(DEFAULT.warning());
    assertNull(Settings.of(Map.of(ServiceBindingLayout.TYPE_ANNOTATION, " "), Mode.ORIGINAL)
        .typeOverride());
  }

  @Test
  void secretTypeFollowsTheTypeEntry() {
    assertEquals("servicebinding.io/mariadb", ServiceBindingLayout.secretType(Mode.SERVICEBINDING_IO,
        SecretFormat.toSecretData(Map.of("type", "mariadb"))));
    assertEquals("Opaque", ServiceBindingLayout.secretType(Mode.SERVICEBINDING_IO,
        SecretFormat.toSecretData(Map.of("host", "h"))));
    assertEquals("Opaque", ServiceBindingLayout.secretType(Mode.SERVICEBINDING_IO,
        SecretFormat.toSecretData(Map.of("type", "not a type/at all"))));
  }

  @Test
  void transformsRunAfterTheLayoutAndHaveTheLastWord() throws Exception {
    SecretTransform removeType = new SecretTransform();
    removeType.removeKey = new SecretTransform.RemoveKey();
    removeType.removeKey.key = "type";
    SecretTransform jdbc = new SecretTransform();
    jdbc.addKey = new SecretTransform.AddKey();
    jdbc.addKey.key = "jdbcUrl";
    jdbc.addKey.jsonPathExpression = "jdbc:mariadb://{.host}/{.database}";
    SecretData data =
        SecretTransforms.apply(
            ServiceBindingLayout.enrich(credentials("{\"hostname\":\"db\",\"db\":\"app\"}"),
                DEFAULT, "mariadb", "b"),
            List.of(jdbc, removeType), "apps", (ns, n) -> null);
    Map<String, String> out = text(data);
    assertEquals("jdbc:mariadb://db/app", out.get("jdbcUrl"), "the transform sees host/database");
    assertFalse(out.containsKey("type"));
    assertEquals("Opaque", ServiceBindingLayout.secretType(Mode.SERVICEBINDING_IO, data));
  }
}
