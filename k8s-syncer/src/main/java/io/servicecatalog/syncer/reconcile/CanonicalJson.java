package io.servicecatalog.syncer.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON compared by meaning, not by how a client happened to build it: object members sorted, null
 * members dropped (the catalog writes none, Kubernetes keeps what it is sent) and numbers
 * normalised (a Java long and an int with the same value are equal). Used for "does this side
 * differ from the other" and for the spec hashes kept in annotations.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  /** A canonical copy; {@code null} and JSON null both become null. */
  public static JsonNode of(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(String::compareTo);
      ObjectNode out = NODES.objectNode();
      for (String n : names) {
        JsonNode v = of(node.get(n));
        if (v != null) {
          out.set(n, v);
        }
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode();
      for (JsonNode e : node) {
        JsonNode v = of(e);
        out.add(v == null ? NODES.nullNode() : v);
      }
      return out;
    }
    if (node.isNumber()) {
      BigDecimal d = node.decimalValue().stripTrailingZeros();
      return d.scale() <= 0 ? NODES.numberNode(d.toBigIntegerExact()) : NODES.numberNode(d);
    }
    return node.deepCopy();
  }

  public static boolean same(JsonNode a, JsonNode b) {
    JsonNode ca = of(a);
    JsonNode cb = of(b);
    return ca == null ? cb == null : ca.equals(cb);
  }

  /** SHA-256 (first 32 hex characters) of the canonical text; "" for null. */
  public static String hash(JsonNode node) {
    JsonNode c = of(node);
    if (c == null) {
      return "";
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text(c).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String text(JsonNode c) {
    // toString of a canonical node is stable: members are already sorted.
    if (c.isObject()) {
      StringBuilder sb = new StringBuilder("{");
      for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        sb.append(NODES.textNode(e.getKey())).append(':').append(text(e.getValue()));
        if (it.hasNext()) {
          sb.append(',');
        }
      }
      return sb.append('}').toString();
    }
    if (c.isArray()) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < c.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(text(c.get(i)));
      }
      return sb.append(']').toString();
    }
    return c.toString();
  }
}
