package io.servicecatalog.injector.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The subset of Kubernetes JSONPath (k8s.io/client-go/util/jsonpath) that secret transforms use:
 * a template of literal text and {@code {...}} expressions such as {@code {.host}}, {@code
 * {.db.port}}, {@code {.hosts[0]}} or {@code {['user-name']}}, plus a bare {@code $.a.b}. Text
 * outside braces is copied as is, so {@code "mysql://{.host}:{.port}"} works as in kubectl.
 *
 * <p>Results print like the original's printer for scalars (strings raw, numbers in Go's {@code
 * %v} form). Objects and arrays print as compact JSON rather than Go's {@code map[...]} syntax.
 * Filters, wildcards, recursive descent, slices and ranges are rejected with a clear message.
 */
public final class JsonPathTemplate {

  private sealed interface Part permits Literal, Path {}

  private record Literal(String text) implements Part {}

  private record Path(String source, List<Object> steps) implements Part {}

  private final String expression;
  private final List<Part> parts;

  private JsonPathTemplate(String expression, List<Part> parts) {
    this.expression = expression;
    this.parts = parts;
  }

  public static JsonPathTemplate parse(String expression) throws IllegalArgumentException {
    List<Part> parts = new ArrayList<>();
    String trimmed = expression.trim();
    if (trimmed.startsWith("$") && !trimmed.contains("{")) {
      parts.add(parsePath(trimmed));
      return new JsonPathTemplate(expression, parts);
    }
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < expression.length()) {
      char c = expression.charAt(i);
      if (c == '{') {
        int end = closingBrace(expression, i);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed '{' at position " + i);
        }
        if (literal.length() > 0) {
          parts.add(new Literal(literal.toString()));
          literal.setLength(0);
        }
        parts.add(parsePath(expression.substring(i + 1, end).trim()));
        i = end + 1;
      } else {
        literal.append(c);
        i++;
      }
    }
    if (literal.length() > 0) {
      parts.add(new Literal(literal.toString()));
    }
    return new JsonPathTemplate(expression, parts);
  }

  /** Index of the '}' closing the '{' at {@code open}, skipping quoted names. */
  private static int closingBrace(String s, int open) {
    char quote = 0;
    for (int i = open + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '}') {
        return i;
      }
    }
    return -1;
  }

  private static Path parsePath(String source) {
    List<Object> steps = new ArrayList<>();
    int i = 0;
    int n = source.length();
    if (source.isEmpty()) {
      throw new IllegalArgumentException("empty expression '{}'");
    }
    if (source.charAt(0) == '$') {
      i = 1;
    } else if (source.charAt(0) != '.' && source.charAt(0) != '[') {
      throw new IllegalArgumentException(
          "'" + source + "' is not supported (expressions start with '.', '[' or '$')");
    }
    while (i < n) {
      char c = source.charAt(i);
      if (c == '.') {
        if (i + 1 < n && source.charAt(i + 1) == '.') {
          throw unsupported(source, "recursive descent '..'");
        }
        int start = ++i;
        while (i < n && source.charAt(i) != '.' && source.charAt(i) != '[') {
          i++;
        }
        String name = source.substring(start, i);
        if (name.isEmpty()) {
          if (i == n) {
            break; // "{.}" or trailing dot: the current node
          }
          continue;
        }
        if (name.equals("*") || name.contains("(") || name.contains("?")) {
          throw unsupported(source, "'" + name + "'");
        }
        steps.add(name);
      } else if (c == '[') {
        char q = i + 1 < n ? source.charAt(i + 1) : 0;
        if (q == '\'' || q == '"') {
          int close = source.indexOf(q + "]", i + 2);
          if (close < 0) {
            throw new IllegalArgumentException("unclosed [" + q + " in '" + source + "'");
          }
          steps.add(source.substring(i + 2, close));
          i = close + 2;
        } else {
          int close = source.indexOf(']', i);
          if (close < 0) {
            throw new IllegalArgumentException("unclosed '[' in '" + source + "'");
          }
          String inner = source.substring(i + 1, close).trim();
          if (!inner.matches("-?\\d{1,9}")) {
            throw unsupported(source, "'[" + inner + "]'");
          }
          steps.add(Integer.parseInt(inner));
          i = close + 1;
        }
      } else {
        throw new IllegalArgumentException(
            "unexpected '" + c + "' at position " + i + " in '" + source + "'");
      }
    }
    return new Path(source, List.copyOf(steps));
  }

  private static IllegalArgumentException unsupported(String source, String what) {
    return new IllegalArgumentException(what + " in '" + source + "' is not supported");
  }

  /**
   * Evaluates against {@code root}. Throws {@link IllegalArgumentException} naming the missing
   * step (never a value) when the path does not lead anywhere, as the original did.
   */
  public String evaluate(JsonNode root) {
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      if (part instanceof Literal l) {
        out.append(l.text());
      } else if (part instanceof Path p) {
        out.append(print(resolve(p, root)));
      }
    }
    return out.toString();
  }

  private static JsonNode resolve(Path path, JsonNode root) {
    JsonNode current = root;
    for (Object step : path.steps()) {
      if (step instanceof String name) {
        if (!current.isObject() || !current.has(name)) {
          throw new IllegalArgumentException(name + " is not found (in '" + path.source() + "')");
        }
        current = current.get(name);
      } else {
        int index = (Integer) step;
        if (!current.isArray()) {
          throw new IllegalArgumentException(
              "[" + index + "] applied to something that is not an array (in '" + path.source()
                  + "')");
        }
        int at = index < 0 ? current.size() + index : index;
        if (at < 0 || at >= current.size()) {
          throw new IllegalArgumentException(
              "array index " + index + " is out of bounds (in '" + path.source() + "')");
        }
        current = current.get(at);
      }
    }
    return current;
  }

  private static String print(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isIntegralNumber()) {
      return node.bigIntegerValue().toString();
    }
    if (node.isNumber()) {
      return SecretFormat.goFloat(node.doubleValue(), false);
    }
    if (node.isBoolean()) {
      return Boolean.toString(node.booleanValue());
    }
    return SecretFormat.goJson(node);
  }

  @Override
  public String toString() {
    return "JsonPathTemplate[" + expression + "]";
  }
}
