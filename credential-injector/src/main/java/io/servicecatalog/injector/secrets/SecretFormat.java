package io.servicecatalog.injector.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns credential values into Secret bytes exactly as the original controller's {@code
 * serialize} did (pkg/controller/serializer.go): bytes as they are, strings as their raw UTF-8,
 * anything else through Go's {@code json.Marshal}. So {@code 3306} becomes {@code "3306"}, {@code
 * true} becomes {@code "true"} and an object becomes its compact JSON text with keys sorted, HTML
 * characters escaped ({@code <} as {@code \u003c}) and floats in Go's shortest form.
 *
 * <p>One deliberate difference: the original decoded every number into a float64, so integers
 * beyond 2^53 lost digits. Integers are written here with all their digits.
 */
public final class SecretFormat {
  private SecretFormat() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Value for the Secret: {@code byte[]}, {@link String} or a Jackson {@link JsonNode}. */
  public static byte[] serialize(Object value) {
    if (value instanceof byte[] bytes) {
      return bytes;
    }
    if (value instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    if (value instanceof JsonNode node && node.isTextual()) {
      return node.textValue().getBytes(StandardCharsets.UTF_8);
    }
    if (value == null) {
      return "null".getBytes(StandardCharsets.UTF_8);
    }
    if (value instanceof JsonNode node) {
      return goJson(node).getBytes(StandardCharsets.UTF_8);
    }
    throw new IllegalArgumentException("unsupported credential value type " + value.getClass());
  }

  /** Credentials map (values JSON) to Secret data, without transforms. */
  public static SecretData toSecretData(Map<String, ?> values) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, serialize(v)));
    return new SecretData(out);
  }

  /** Go's {@code json.Marshal} of a value decoded into {@code interface{}}. */
  public static String goJson(JsonNode node) {
    StringBuilder out = new StringBuilder();
    writeGoJson(node, out);
    return out.toString();
  }

  private static void writeGoJson(JsonNode node, StringBuilder out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      out.append("null");
    } else if (node.isTextual()) {
      writeGoString(node.textValue(), out);
    } else if (node.isBoolean()) {
      out.append(node.booleanValue());
    } else if (node.isIntegralNumber()) {
      out.append(node.bigIntegerValue());
    } else if (node.isNumber()) {
      out.append(goFloat(node.doubleValue(), true));
    } else if (node.isBinary()) {
      writeGoString(java.util.Base64.getEncoder().encodeToString(binary(node)), out);
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        writeGoJson(node.get(i), out);
      }
      out.append(']');
    } else if (node.isObject()) {
      // Go marshals map[string]interface{} with its keys sorted.
      List<String> keys = new ArrayList<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        keys.add(it.next());
      }
      Collections.sort(keys);
      out.append('{');
      boolean first = true;
      for (String key : keys) {
        if (!first) {
          out.append(',');
        }
        first = false;
        writeGoString(key, out);
        out.append(':');
        writeGoJson(node.get(key), out);
      }
      out.append('}');
    } else {
      writeGoString(node.asText(), out);
    }
  }

  private static byte[] binary(JsonNode node) {
    try {
      return node.binaryValue();
    } catch (java.io.IOException e) {
      return new byte[0];
    }
  }

  /**
   * The shortest decimal that reads back as {@code f}, closest to it (what Go's strconv picks).
   * Double.toString is not always shortest before Java 19 (2.5e22 prints as 2.4999999999999998E22).
   */
  static BigDecimal shortest(double f) {
    BigDecimal exact = new BigDecimal(f);
    for (int digits = 1; digits < 17; digits++) {
      BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (candidate.doubleValue() == f) {
        return candidate.stripTrailingZeros();
      }
    }
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
  }

  /** Go's encodeState.string with HTML escaping on (json.Marshal's default). */
  static void writeGoString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> unicodeEscape(c, out);
        default -> {
          if (c < 0x20) {
            unicodeEscape(c, out);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void unicodeEscape(char c, StringBuilder out) {
    out.append("\\u")
        .append(HEX[(c >> 12) & 0xF])
        .append(HEX[(c >> 8) & 0xF])
        .append(HEX[(c >> 4) & 0xF])
        .append(HEX[c & 0xF]);
  }

  /**
   * A float64 as Go prints it: with {@code json} true as encoding/json does ('f' form, 'e' form
   * below 1e-6 or from 1e21 on, exponent without a leading zero), otherwise as fmt's {@code %v}
   * does ('e' form when the decimal exponent is below -4 or at least 21, two-digit exponent).
   */
  public static String goFloat(double f, boolean json) {
    if (Double.isNaN(f) || Double.isInfinite(f)) {
      return json ? "null" : (Double.isNaN(f) ? "NaN" : (f > 0 ? "+Inf" : "-Inf"));
    }
    if (f == 0) {
      return (1 / f < 0) ? "-0" : "0";
    }
    BigDecimal d = shortest(f);
    String digits = d.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - d.scale();
    boolean eForm;
    if (json) {
      double abs = Math.abs(f);
      eForm = abs < 1e-6 || abs >= 1e21;
    } else {
      eForm = exponent < -4 || exponent >= 21;
    }
    if (!eForm) {
      return d.toPlainString();
    }
    StringBuilder out = new StringBuilder();
    if (f < 0) {
      out.append('-');
    }
    out.append(digits.charAt(0));
    if (digits.length() > 1) {
      out.append('.').append(digits, 1, digits.length());
    }
    out.append('e').append(exponent < 0 ? '-' : '+');
    int absExp = Math.abs(exponent);
    if (absExp < 10 && !(json && exponent < 0)) {
      out.append('0');
    }
    out.append(absExp);
    return out.toString();
  }
}
