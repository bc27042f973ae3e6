package io.servicecatalog.injector.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.v1beta1.SecretTransform;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a binding's {@code spec.secretTransforms} to its credentials, in order, as the
 * original's {@code transformCredentials} did, then serializes the result with {@link
 * SecretFormat}. Each transform has one member; if several are set, the first of addKey,
 * renameKey, addKeysFrom, removeKey wins (the original's switch order).
 *
 * <ul>
 *   <li>{@code renameKey{from,to}}: moves the value; nothing happens when {@code from} is absent.
 *   <li>{@code addKey{key, jsonPathExpression | stringValue | value}}: in that priority; the
 *       JSONPath is evaluated over the credentials as transformed so far; {@code value} is base64.
 *   <li>{@code addKeysFrom{secretRef{namespace,name}}}: copies every key of another Secret
 *       (namespace defaults to the binding's); a missing Secret is a retriable failure.
 *   <li>{@code removeKey{key}}.
 * </ul>
 */
public final class SecretTransforms {
  private SecretTransforms() {}

  /** Reads another Secret's data for addKeysFrom; null when it does not exist. */
  @FunctionalInterface
  public interface SecretSource {
    Map<String, byte[]> read(String namespace, String name);
  }

  public static SecretData apply(
      Map<String, JsonNode> credentials,
      List<SecretTransform> transforms,
      String bindingNamespace,
      SecretSource source)
      throws TransformException {
    // Values are JsonNode (from the broker), String (stringValue, JSONPath results) or byte[].
    Map<String, Object> values = new LinkedHashMap<>();
    if (credentials != null) {
      credentials.forEach(values::put);
    }
    if (transforms != null) {
      for (int i = 0; i < transforms.size(); i++) {
        SecretTransform t = transforms.get(i);
        if (t != null) {
          applyOne(t, "secretTransforms[" + i + "]", values, bindingNamespace, source);
        }
      }
    }
    return SecretFormat.toSecretData(values);
  }

  private static void applyOne(
      SecretTransform t,
      String where,
      Map<String, Object> values,
      String bindingNamespace,
      SecretSource source)
      throws TransformException {
    if (t.addKey != null) {
      SecretTransform.AddKey add = t.addKey;
      if (add.key == null || add.key.isEmpty()) {
        throw new TransformException(where + ".addKey: key is required", false);
      }
      Object value;
      if (add.jsonPathExpression != null) {
        value = evaluate(add.jsonPathExpression, values, where);
      } else if (add.stringValue != null) {
        value = add.stringValue;
      } else if (add.value != null) {
        try {
          value = Base64.getDecoder().decode(add.value.trim());
        } catch (IllegalArgumentException e) {
          throw new TransformException(where + ".addKey.value is not valid base64", false);
        }
      } else {
        value = new byte[0];
      }
      values.put(add.key, value);
    } else if (t.renameKey != null) {
      String from = t.renameKey.from;
      String to = t.renameKey.to;
      if (from != null && values.containsKey(from)) {
        if (to == null || to.isEmpty()) {
          throw new TransformException(where + ".renameKey: to is required", false);
        }
        Object v = values.remove(from);
        values.put(to, v);
      }
    } else if (t.addKeysFrom != null) {
      if (t.addKeysFrom.secretRef == null || t.addKeysFrom.secretRef.name == null) {
        throw new TransformException(where + ".addKeysFrom: secretRef.name is required", false);
      }
      String ns = t.addKeysFrom.secretRef.namespace;
      if (ns == null || ns.isEmpty()) {
        ns = bindingNamespace;
      }
      String name = t.addKeysFrom.secretRef.name;
      Map<String, byte[]> data = source.read(ns, name);
      if (data == null) {
        throw new TransformException(
            where + ".addKeysFrom: Secret " + ns + "/" + name + " not found", true);
      }
      data.forEach(values::put);
    } else if (t.removeKey != null) {
      if (t.removeKey.key != null) {
        values.remove(t.removeKey.key);
      }
    }
  }

  private static String evaluate(String expression, Map<String, Object> values, String where)
      throws TransformException {
    JsonPathTemplate template;
    try {
      template = JsonPathTemplate.parse(expression);
    } catch (IllegalArgumentException e) {
      throw new TransformException(
          where + ".addKey.jsonPathExpression is invalid: " + e.getMessage(), false);
    }
    try {
      return template.evaluate(view(values));
    } catch (IllegalArgumentException e) {
      throw new TransformException(
          where + ".addKey.jsonPathExpression could not be evaluated: " + e.getMessage(), false);
    }
  }

  /** The credentials so far as one JSON object; bytes are read as UTF-8 text. */
  private static ObjectNode view(Map<String, Object> values) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    values.forEach(
        (k, v) -> {
          if (v instanceof JsonNode node) {
            root.set(k, node);
          } else if (v instanceof String s) {
            root.put(k, s);
          } else if (v instanceof byte[] b) {
            root.put(k, new String(b, StandardCharsets.UTF_8));
          }
        });
    return root;
  }
}
