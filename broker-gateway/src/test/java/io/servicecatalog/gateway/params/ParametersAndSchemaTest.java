package io.servicecatalog.gateway.params;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParametersAndSchemaTest {

  static JsonNode json(String s) throws Exception {
    return Json.MAPPER.readTree(s);
  }

  @Test
  void mergeRejectsDuplicatesAndTheChecksumIgnoresKeyOrder() throws Exception {
    Parameters.Built b = Parameters.merge(json("{\"a\":1}"), List.of(new Parameters.Source("S", (ObjectNode) json("{\"b\":{\"y\":1,\"x\":2}}"))));
    assertEquals(2, b.parameters().size());
    assertEquals(Parameters.checksum(json("{\"b\":{\"x\":2,\"y\":1},\"a\":1}")), b.checksum());
    ParametersException dup = assertThrows(ParametersException.class,
        () -> Parameters.merge(json("{\"a\":1}"), List.of(new Parameters.Source("Secret \"s\" key \"k\"", (ObjectNode) json("{\"a\":2}")))));
    assertTrue(dup.getMessage().contains("\"a\" is given twice"), dup.getMessage());
    assertFalse(dup.terminal());
    assertNull(Parameters.merge(null, List.of()).parameters());
    assertNull(Parameters.merge(null, List.of()).checksum());
  }

  @Test
  void draft4IsTheDefaultAndLaterDraftsAreDetected() throws Exception {
    JsonNode d4 = json("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"maximum\":5,\"exclusiveMaximum\":true}}}");
    assertThrows(ParametersException.class, () -> SchemaValidator.validate(d4, json("{\"n\":5}"), "s"), "draft-04 boolean exclusiveMaximum");
    JsonNode d7 = json("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"properties\":{\"n\":{\"exclusiveMaximum\":5}}}");
    assertThrows(ParametersException.class, () -> SchemaValidator.validate(d7, json("{\"n\":5}"), "s"));
    assertDoesNotThrow(() -> SchemaValidator.validate(d7, json("{\"n\":4}"), "s"));
    JsonNode d2020 = json("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"required\":[\"x\"]}");
    assertThrows(ParametersException.class, () -> SchemaValidator.validate(d2020, json("{}"), "s"));
  }

  @Test
  void violationsNameTheParameterNotTheValue() throws Exception {
    JsonNode schema = json("{\"properties\":{\"pw\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"},\"n\":{\"enum\":[1,2]}}}");
    ParametersException e = assertThrows(ParametersException.class,
        () -> SchemaValidator.validate(schema, json("{\"pw\":\"Hunter2-secret\",\"n\":3}"), "the plan's schema"));
    assertTrue(e.terminal());
    assertTrue(e.getMessage().contains("parameter \"pw\"") && e.getMessage().contains("parameter \"n\""), e.getMessage());
    assertFalse(e.getMessage().contains("Hunter2-secret"), e.getMessage());
  }

  @Test
  void schemasTheSpecForbidsAreNotApplied() throws Exception {
    JsonNode external = json("{\"properties\":{\"a\":{\"$ref\":\"http://example.com/s.json\"}},\"required\":[\"a\"]}");
    assertDoesNotThrow(() -> SchemaValidator.validate(external, json("{}"), "s"));
    assertDoesNotThrow(() -> SchemaValidator.validate(null, json("{\"x\":1}"), "s"));
    JsonNode local = json("{\"definitions\":{\"n\":{\"type\":\"integer\"}},\"properties\":{\"a\":{\"$ref\":\"#/definitions/n\"}}}");
    assertThrows(ParametersException.class, () -> SchemaValidator.validate(local, json("{\"a\":\"x\"}"), "s"));
  }
}
