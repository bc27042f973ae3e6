package io.servicecatalog.injector.secrets;

import io.servicecatalog.injector.credentials.CredentialsKeyConfig;
import io.servicecatalog.model.crypto.CredentialsCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A keyed digest of a Secret's data, kept in the Secret's annotation {@value
 * SecretOwnership#DATA_DIGEST} when the injector writes it. Comparing it with the data a watch
 * event carries tells whether someone edited the Secret, without opening the envelope or asking
 * catalog-api. It is an HMAC-SHA256 under a key derived from the credentials key, so the
 * annotation says nothing about the values to someone without that key (a plain hash of a weak
 * password could be guessed offline).
 *
 * <p>Format {@code v1:<keyId>:<base64url mac>}; any of the configured credentials keys verifies
 * it, so replacing the primary key does not make every Secret look edited.
 */
@ApplicationScoped
public class SecretDigest {
  private static final String VERSION = "v1";
  private static final byte[] LABEL =
      "servicecatalog.k8s.io/credentials-digest/v1".getBytes(StandardCharsets.UTF_8);

  /** keyId → derived MAC key; the first is the one new digests are made with. */
  private final Map<String, SecretKeySpec> keys;
  private final String primaryKeyId;

  @Inject
  public SecretDigest(CredentialsKeyConfig config) {
    this(config.key(), config.allPreviousKeys());
  }

  public SecretDigest(String primaryKey, Iterable<String> additionalKeys) {
    Map<String, SecretKeySpec> m = new LinkedHashMap<>();
    this.primaryKeyId = add(m, primaryKey);
    for (String k : additionalKeys) {
      if (k != null && !k.isBlank()) {
        add(m, k);
      }
    }
    this.keys = m;
  }

  private static String add(Map<String, SecretKeySpec> m, String base64Key) {
    String keyId = CredentialsCipher.fromBase64(base64Key).keyId();
    byte[] raw = Base64.getDecoder().decode(base64Key.trim());
    m.putIfAbsent(keyId, new SecretKeySpec(mac(raw, LABEL), "HmacSHA256"));
    return keyId;
  }

  /** The annotation value for {@code data}. */
  public String of(SecretData data) {
    return VERSION + ":" + primaryKeyId + ":" + compute(keys.get(primaryKeyId), data.entries());
  }

  /**
   * Whether {@code annotation} is the digest of {@code data} (base64 values, as a Secret holds
   * them). Null when it cannot tell: no annotation, an unknown format or a key not configured.
   */
  public Boolean matches(String annotation, Map<String, String> base64Data) {
    if (annotation == null) {
      return null;
    }
    String[] parts = annotation.split(":", 3);
    if (parts.length != 3 || !VERSION.equals(parts[0])) {
      return null;
    }
    SecretKeySpec key = keys.get(parts[1]);
    if (key == null) {
      return null;
    }
    Map<String, byte[]> decoded = new LinkedHashMap<>();
    Base64.Decoder b64 = Base64.getDecoder();
    if (base64Data != null) {
      for (Map.Entry<String, String> e : base64Data.entrySet()) {
        try {
          decoded.put(e.getKey(), e.getValue() == null ? new byte[0] : b64.decode(e.getValue()));
        } catch (IllegalArgumentException notBase64) {
          return false;
        }
      }
    }
    byte[] expected = compute(key, decoded).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII));
  }

  private static String compute(SecretKeySpec key, Map<String, byte[]> entries) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      // Sorted, length-prefixed: no two different maps feed the MAC the same bytes.
      for (Map.Entry<String, byte[]> e : new TreeMap<>(entries).entrySet()) {
        byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
        byte[] v = e.getValue();
        mac.update(ByteBuffer.allocate(4).putInt(k.length).array());
        mac.update(k);
        mac.update(ByteBuffer.allocate(4).putInt(v.length).array());
        mac.update(v);
      }
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] mac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
