package io.servicecatalog.injector.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The servicebinding.io layout (https://servicebinding.io, "Well-known Secret Entries"), added to
 * the broker's credentials before the binding's secret transforms run, so the transforms keep
 * the last word:
 *
 * <ul>
 *   <li>{@code type}: the binding's {@code servicebinding.io/type} annotation, else the broker's
 *       own {@code type} key, else the service class's external name (e.g. {@code mariadb});
 *   <li>{@code provider}: the binding's {@code servicebinding.io/provider} annotation, else the
 *       broker's own {@code provider} key, else the broker's name;
 *   <li>{@code host}, {@code port}, {@code username}, {@code password}, {@code database},
 *       {@code uri}: when the broker did not give them, copied from the names brokers commonly
 *       use instead ({@code hostname}, {@code user}, {@code login}, {@code db}, {@code name},
 *       {@code url}, ...), then taken apart from {@code uri} ({@code mysql://u:p@h:3306/db}).
 *       A key the broker gave is never overwritten.
 * </ul>
 *
 * The Secret's own type becomes {@code servicebinding.io/<type>}. A binding annotated {@code
 * servicecatalog.k8s.io/secret-layout: original} gets exactly the original's format instead:
 * the broker's keys, the transforms, {@code type: Opaque}.
 */
public final class ServiceBindingLayout {
  private ServiceBindingLayout() {}

  /** Binding annotation choosing the layout: {@code servicebinding.io} (default) or {@code original}. */
  public static final String LAYOUT_ANNOTATION = "servicecatalog.k8s.io/secret-layout";
  /** Binding annotation overriding the {@code type} entry. */
  public static final String TYPE_ANNOTATION = "servicebinding.io/type";
  /** Binding annotation overriding the {@code provider} entry. */
  public static final String PROVIDER_ANNOTATION = "servicebinding.io/provider";

  public static final String SERVICEBINDING_IO = "servicebinding.io";
  public static final String ORIGINAL = "original";
  public static final String SECRET_TYPE_PREFIX = "servicebinding.io/";
  public static final String TYPE_OPAQUE = "Opaque";

  public static final String TYPE = "type";
  public static final String PROVIDER = "provider";

  /** Well-known entry → the names brokers use for it instead, most likely first. */
  static final Map<String, List<String>> ALIASES = aliases();

  private static Map<String, List<String>> aliases() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("uri", List.of("url"));
    m.put("host", List.of("hostname", "host_name", "hostName"));
    m.put("port", List.of());
    m.put("username", List.of("user", "login", "user_name", "userName"));
    m.put("password", List.of("pass", "passwd"));
    m.put("database", List.of("db", "dbname", "db_name", "database_name", "databaseName", "name"));
    return m;
  }

  /** A value usable as {@code servicebinding.io/<type>}: a DNS-label-like word. */
  private static final Pattern SECRET_TYPE_VALUE =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

  public enum Mode {
    SERVICEBINDING_IO,
    ORIGINAL;

    /** The annotation value naming this mode. */
    public String value() {
      return this == ORIGINAL ? ServiceBindingLayout.ORIGINAL : ServiceBindingLayout.SERVICEBINDING_IO;
    }

    /** {@code servicebinding.io} or {@code original} (any case); null for anything else. */
    public static Mode parse(String value) {
      if (value == null) {
        return null;
      }
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case ServiceBindingLayout.SERVICEBINDING_IO -> SERVICEBINDING_IO;
        case ServiceBindingLayout.ORIGINAL -> ORIGINAL;
        default -> null;
      };
    }
  }

  /**
   * What a binding asks for, from its annotations.
   *
   * @param warning why an annotation was ignored (an unknown layout name), else null
   */
  public record Settings(Mode mode, String typeOverride, String providerOverride, String warning) {

    public static Settings of(Map<String, String> annotations, Mode defaultMode) {
      Map<String, String> a = annotations == null ? Map.of() : annotations;
      String requested = a.get(LAYOUT_ANNOTATION);
      Mode mode = Mode.parse(requested);
      String warning = null;
      if (mode == null) {
        mode = defaultMode;
        if (requested != null) {
          warning = "annotation " + LAYOUT_ANNOTATION + " has the unknown value '" + requested
              + "' (expected " + SERVICEBINDING_IO + " or " + ORIGINAL + "); using "
              + mode.value();
        }
      }
      return new Settings(mode, blankToNull(a.get(TYPE_ANNOTATION)),
          blankToNull(a.get(PROVIDER_ANNOTATION)), warning);
    }
  }

  /**
   * The broker's credentials with the well-known entries added (a new map; the argument is not
   * changed). {@code classExternalName} and {@code brokerName} may be null (older envelopes).
   */
  public static Map<String, JsonNode> enrich(
      Map<String, JsonNode> credentials,
      Settings settings,
      String classExternalName,
      String brokerName) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (credentials != null) {
      out.putAll(credentials);
    }
    if (settings.mode() == Mode.ORIGINAL) {
      return out;
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (settings.typeOverride() != null) {
      out.put(TYPE, f.textNode(settings.typeOverride()));
    } else if (!present(out, TYPE) && classExternalName != null && !classExternalName.isBlank()) {
      out.put(TYPE, f.textNode(classExternalName));
    }
    if (settings.providerOverride() != null) {
      out.put(PROVIDER, f.textNode(settings.providerOverride()));
    } else if (!present(out, PROVIDER) && brokerName != null && !brokerName.isBlank()) {
      out.put(PROVIDER, f.textNode(brokerName));
    }
    for (Map.Entry<String, List<String>> e : ALIASES.entrySet()) {
      if (present(out, e.getKey())) {
        continue;
      }
      for (String alias : e.getValue()) {
        JsonNode v = out.get(alias);
        if (v != null && (v.isTextual() || v.isNumber()) && !v.asText().isEmpty()) {
          out.put(e.getKey(), v);
          break;
        }
      }
    }
    JsonNode uri = out.get("uri");
    if (uri != null && uri.isTextual()) {
      ConnectionUri parts = ConnectionUri.parse(uri.textValue());
      putIfAbsent(out, "host", parts.host);
      putIfAbsent(out, "port", parts.port);
      putIfAbsent(out, "username", parts.username);
      putIfAbsent(out, "password", parts.password);
      putIfAbsent(out, "database", parts.database);
    }
    return out;
  }

  /**
   * The Secret's own type: {@code servicebinding.io/<type entry>} in the servicebinding.io
   * layout when the (transformed) data has a usable {@code type} entry, else {@code Opaque}.
   */
  public static String secretType(Mode mode, SecretData data) {
    if (mode == Mode.ORIGINAL) {
      return TYPE_OPAQUE;
    }
    byte[] type = data.entries().get(TYPE);
    if (type == null) {
      return TYPE_OPAQUE;
    }
    String text = new String(type, StandardCharsets.UTF_8);
    return SECRET_TYPE_VALUE.matcher(text).matches() ? SECRET_TYPE_PREFIX + text : TYPE_OPAQUE;
  }

  /** A key the broker (or an earlier step) gave, whatever its value: never overwritten. */
  private static boolean present(Map<String, JsonNode> values, String key) {
    return values.containsKey(key);
  }

  private static void putIfAbsent(Map<String, JsonNode> values, String key, String value) {
    if (value != null && !present(values, key)) {
      values.put(key, JsonNodeFactory.instance.textNode(value));
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
