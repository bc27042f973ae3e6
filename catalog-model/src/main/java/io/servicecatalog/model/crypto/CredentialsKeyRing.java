package io.servicecatalog.model.crypto;

import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The current credentials key plus the previous ones, for key rotation. New envelopes are sealed
 * with the current key; an envelope names the key it was sealed with ({@link
 * CredentialsCipher#keyId()}, a fingerprint, not the key), so opening picks that key directly.
 * Only an envelope without a key id (none is written today, but the v1 contract allows it) is
 * tried against every key, current first.
 */
public final class CredentialsKeyRing {
  private final CredentialsCipher current;
  private final Map<String, CredentialsCipher> byKeyId;

  public CredentialsKeyRing(CredentialsCipher current, List<CredentialsCipher> previous) {
    Map<String, CredentialsCipher> keys = new LinkedHashMap<>();
    keys.put(current.keyId(), current);
    for (CredentialsCipher c : previous) {
      keys.putIfAbsent(c.keyId(), c);
    }
    this.current = current;
    this.byKeyId = Collections.unmodifiableMap(keys);
  }

  /** Keys as base64 (what configuration holds); blank previous entries are ignored. */
  public static CredentialsKeyRing fromBase64(String currentKey, Iterable<String> previousKeys) {
    List<CredentialsCipher> previous = new java.util.ArrayList<>();
    for (String k : previousKeys) {
      if (k != null && !k.isBlank()) {
        previous.add(CredentialsCipher.fromBase64(k));
      }
    }
    return new CredentialsKeyRing(CredentialsCipher.fromBase64(currentKey), previous);
  }

  public String currentKeyId() {
    return current.keyId();
  }

  /** Ids of every key held, current first. */
  public List<String> keyIds() {
    return List.copyOf(byKeyId.keySet());
  }

  public boolean holds(String keyId) {
    return keyId != null && byKeyId.containsKey(keyId);
  }

  public CredentialsCipher.Sealed seal(byte[] plaintext, String associatedData) {
    return current.seal(plaintext, associatedData);
  }

  /**
   * Opens with the key the envelope names.
   *
   * @throws UnknownKeyException the named key is not held (the message names key ids only)
   * @throws GeneralSecurityException the data was altered, or sealed for other associated data
   */
  public byte[] open(String keyId, String nonce, String ciphertext, String associatedData)
      throws GeneralSecurityException {
    if (keyId != null) {
      CredentialsCipher c = byKeyId.get(keyId);
      if (c == null) {
        throw new UnknownKeyException(keyId, keyIds());
      }
      return c.open(nonce, ciphertext, associatedData);
    }
    GeneralSecurityException last = null;
    for (CredentialsCipher c : byKeyId.values()) {
      try {
        return c.open(nonce, ciphertext, associatedData);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /** An envelope sealed with a key that is not (or no longer) configured. */
  public static final class UnknownKeyException extends GeneralSecurityException {
    private final String keyId;

    UnknownKeyException(String keyId, List<String> held) {
      super("sealed with key " + keyId + ", which is not configured (keys held: " + String.join(", ", held)
          + "); add it to servicecatalog.credentials.previous-keys");
      this.keyId = keyId;
    }

    public String keyId() {
      return keyId;
    }
  }
}
