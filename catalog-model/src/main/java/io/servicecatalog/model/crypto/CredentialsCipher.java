package io.servicecatalog.model.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticated encryption (AES-256-GCM, 96-bit random nonce, 128-bit tag) for credentials in
 * transit between broker-gateway and credential-injector. The key is shared by those two only.
 */
public final class CredentialsCipher {
  public static final String ALGORITHM = "AES-256-GCM";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final String keyId;

  public CredentialsCipher(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("credentials key must be 32 bytes (AES-256), got " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
    this.keyId = fingerprint(key);
  }

  /** Key given as base64 (what configuration and Secrets hold). */
  public static CredentialsCipher fromBase64(String base64Key) {
    if (base64Key == null || base64Key.isBlank()) {
      throw new IllegalArgumentException("no credentials key configured (servicecatalog.credentials.key)");
    }
    return new CredentialsCipher(Base64.getDecoder().decode(base64Key.trim()));
  }

  public static String generateKey() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  /** Non-secret identifier of the key, so a key mismatch can be told apart from tampering. */
  public String keyId() {
    return keyId;
  }

  public Sealed seal(byte[] plaintext, String associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plaintext);
      Base64.Encoder b64 = Base64.getEncoder();
      return new Sealed(keyId, b64.encodeToString(nonce), b64.encodeToString(ct));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  /** Throws {@link GeneralSecurityException} when the data was altered or sealed with another key. */
  public byte[] open(String nonce, String ciphertext, String associatedData)
      throws GeneralSecurityException {
    Base64.Decoder b64 = Base64.getDecoder();
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, b64.decode(nonce)));
    c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
    return c.doFinal(b64.decode(ciphertext));
  }

  private static String fingerprint(byte[] key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public record Sealed(String keyId, String nonce, String ciphertext) {}
}
