package io.servicecatalog.injector.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The original serializer's output, value by value (pkg/controller/serializer.go + json.Marshal). */
class SecretFormatTest {

  private static String ser(String json) throws Exception {
    JsonNode node = Json.MAPPER.readTree(json);
    return new String(SecretFormat.serialize(node), StandardCharsets.UTF_8);
  }

  @Test
  void stringsAreWrittenRaw() throws Exception {
    assertEquals("s3cr3t", ser("\"s3cr3t\""));
    assertEquals("a<b>&\"c\"\n", ser("\"a<b>&\\\"c\\\"\\n\""));
    assertEquals("", ser("\"\""));
  }

  @Test
  void numbersAreWrittenAsGoPrintsThem() throws Exception {
    assertEquals("3306", ser("3306"));
    assertEquals("3306", ser("3306.0"));
    assertEquals("-12", ser("-12"));
    assertEquals("0.5", ser("0.5"));
    assertEquals("2.5", ser("2.5e0"));
    assertEquals("100000000000000000000", ser("1e20"));
    assertEquals("1e+21", ser("1e21"));
    assertEquals("0.000001", ser("0.000001"));
    assertEquals("1e-7", ser("0.0000001"));
    assertEquals("1.5e-10", ser("1.5e-10"));
    assertEquals("0", ser("0"));
    // Integers keep every digit (the original's float64 would have rounded this one).
    assertEquals("12345678901234567890", ser("12345678901234567890"));
  }

  @Test
  void otherValuesAreCompactGoJson() throws Exception {
    assertEquals("true", ser("true"));
    assertEquals("null", ser("null"));
    assertEquals("[1,\"two\",{\"a\":null}]", ser("[1, \"two\", {\"a\": null}]"));
    // map keys sorted; <, >, & escaped as Go's json.Marshal does
    assertEquals(
        "{\"a\":{\"x\":1,\"y\":[true,false]},\"b\":\"\\u003ctag\\u003e \\u0026 \\\"q\\\"\",\"z\":0.25}",
        ser("{\"z\": 0.25, \"b\": \"<tag> & \\\"q\\\"\", \"a\": {\"y\": [true, false], \"x\": 1}}"));
    assertEquals("\"\\u0001\\t\\u2028\"", SecretFormat.goJson(Json.MAPPER.readTree("\"\\u0001\\t\\u2028\"")));
  }

  @Test
  void bytesAndJavaStringsPassThrough() {
    assertArrayEquals(new byte[] {0, 1, 2}, SecretFormat.serialize(new byte[] {0, 1, 2}));
    assertArrayEquals("é".getBytes(StandardCharsets.UTF_8), SecretFormat.serialize("é"));
  }

  @Test
  void goFloatFormsForPrinterAndJson() {
    assertEquals("1e-05", SecretFormat.goFloat(0.00001, false));
    assertEquals("0.00001", SecretFormat.goFloat(0.00001, true));
    assertEquals("0.0001", SecretFormat.goFloat(0.0001, false));
    assertEquals("1e+21", SecretFormat.goFloat(1e21, false));
    assertEquals("-2.5e+22", SecretFormat.goFloat(-2.5e22, true));
  }

  @Test
  void secretDataNeverPrintsValuesOrKeys() {
    SecretData data =
        SecretFormat.toSecretData(Map.of("password", Json.MAPPER.getNodeFactory().textNode("hunter2")));
    assertEquals("SecretData[1 keys]", data.toString());
    assertFalse(data.toString().contains("hunter2"));
    assertEquals("hunter2", data.text("password"));
  }

  @Test
  void invalidSecretKeysAreNamed() {
    assertEquals(null, new SecretData(Map.of("ok-key_1.x", new byte[0])).invalidKeyMessage());
    String m = new SecretData(Map.of("not ok", new byte[0])).invalidKeyMessage();
    assertEquals(true, m.contains("'not ok'"));
  }
}
