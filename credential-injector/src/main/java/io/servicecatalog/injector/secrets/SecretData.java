package io.servicecatalog.injector.secrets;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The bytes that go into a Secret's {@code data}. Holds credentials in clear, so {@link
 * #toString()} prints only how many keys there are: never values, never key names.
 */
public final class SecretData {
  /** What kube-apiserver accepts as a Secret data key (IsConfigMapKey). */
  private static final Pattern VALID_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  private static final int MAX_KEY_LENGTH = 253;

  private final Map<String, byte[]> entries;

  public SecretData(Map<String, byte[]> entries) {
    this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
  }

  public Map<String, byte[]> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  /** Value as UTF-8 text (tests and diagnostics that are allowed to see it). */
  public String text(String key) {
    byte[] v = entries.get(key);
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  /** The Secret's {@code data} form: base64 of each value. */
  public Map<String, String> toBase64() {
    Map<String, String> out = new LinkedHashMap<>();
    Base64.Encoder b64 = Base64.getEncoder();
    entries.forEach((k, v) -> out.put(k, b64.encodeToString(v)));
    return out;
  }

  /** Whether a Secret's {@code data} (base64 values) holds exactly these bytes. */
  public boolean sameAs(Map<String, String> base64Data) {
    Map<String, String> other = base64Data == null ? Map.of() : base64Data;
    if (other.size() != entries.size()) {
      return false;
    }
    Base64.Decoder b64 = Base64.getDecoder();
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      String v = other.get(e.getKey());
      if (v == null) {
        return false;
      }
      try {
        if (!java.util.Arrays.equals(e.getValue(), b64.decode(v))) {
          return false;
        }
      } catch (IllegalArgumentException notBase64) {
        return false;
      }
    }
    return true;
  }

  /**
   * How a Secret's {@code data} (base64 values) differs from these entries, by key name only.
   *
   * @param changed keys whose value differs
   * @param missing keys these entries have and the Secret lacks
   * @param unexpected keys the Secret has and these entries do not
   */
  public record Diff(List<String> changed, List<String> missing, List<String> unexpected) {
    public boolean isEmpty() {
      return changed.isEmpty() && missing.isEmpty() && unexpected.isEmpty();
    }

    /** e.g. "value of password changed; host removed; note added" (from the editor's side). */
    public String describe() {
      List<String> parts = new ArrayList<>();
      if (!changed.isEmpty()) {
        parts.add((changed.size() == 1 ? "value of " : "values of ") + String.join(", ", changed)
            + " changed");
      }
      if (!missing.isEmpty()) {
        parts.add(String.join(", ", missing) + " removed");
      }
      if (!unexpected.isEmpty()) {
        parts.add(String.join(", ", unexpected) + " added");
      }
      return parts.isEmpty() ? "no key changed" : String.join("; ", parts);
    }
  }

  public Diff diff(Map<String, String> base64Data) {
    Map<String, String> other = base64Data == null ? Map.of() : base64Data;
    List<String> changed = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    Base64.Decoder b64 = Base64.getDecoder();
    for (Map.Entry<String, byte[]> e : new TreeMap<>(entries).entrySet()) {
      String v = other.get(e.getKey());
      if (v == null) {
        missing.add(e.getKey());
        continue;
      }
      byte[] actual;
      try {
        actual = b64.decode(v);
      } catch (IllegalArgumentException notBase64) {
        actual = null;
      }
      if (!java.util.Arrays.equals(e.getValue(), actual)) {
        changed.add(e.getKey());
      }
    }
    for (String k : new TreeSet<>(other.keySet())) {
      if (!entries.containsKey(k)) {
        unexpected.add(k);
      }
    }
    return new Diff(changed, missing, unexpected);
  }

  /** Null when every key is a valid Secret data key, else why not (names the key, not values). */
  public String invalidKeyMessage() {
    for (String key : entries.keySet()) {
      if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !VALID_KEY.matcher(key).matches()
          || key.equals(".") || key.equals("..")) {
        return "credential key '" + key + "' is not a valid Secret data key (allowed: letters,"
            + " digits, '-', '_' and '.', at most " + MAX_KEY_LENGTH + " characters)";
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SecretData other) || other.entries.size() != entries.size()) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      if (!java.util.Arrays.equals(e.getValue(), other.entries.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Objects.hash(entries.keySet());
  }

  @Override
  public String toString() {
    return "SecretData[" + entries.size() + " keys]";
  }
}
