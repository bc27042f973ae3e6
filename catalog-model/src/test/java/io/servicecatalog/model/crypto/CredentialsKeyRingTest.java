package io.servicecatalog.model.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CredentialsKeyRingTest {
  static final String OLD = CredentialsCipher.generateKey();
  static final String NEW = CredentialsCipher.generateKey();
  static final byte[] SECRET = "{\"password\":\"s3cr3t-value\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void sealsWithTheCurrentKeyAndOpensWithTheKeyTheEnvelopeNames() throws Exception {
    CredentialsKeyRing before = CredentialsKeyRing.fromBase64(OLD, List.of());
    CredentialsCipher.Sealed old = before.seal(SECRET, "uid-1");
    CredentialsKeyRing after = CredentialsKeyRing.fromBase64(NEW, List.of(OLD));
    CredentialsCipher.Sealed fresh = after.seal(SECRET, "uid-2");

    assertEquals(CredentialsCipher.fromBase64(OLD).keyId(), old.keyId());
    assertEquals(after.currentKeyId(), fresh.keyId());
    assertEquals(List.of(fresh.keyId(), old.keyId()), after.keyIds());
    assertArrayEquals(SECRET, after.open(old.keyId(), old.nonce(), old.ciphertext(), "uid-1"));
    assertArrayEquals(SECRET, after.open(fresh.keyId(), fresh.nonce(), fresh.ciphertext(), "uid-2"));
  }

  @Test
  void anEnvelopeWithoutKeyIdIsTriedAgainstEveryKey() throws Exception {
    CredentialsCipher.Sealed old = CredentialsKeyRing.fromBase64(OLD, List.of()).seal(SECRET, "uid-1");
    CredentialsKeyRing after = CredentialsKeyRing.fromBase64(NEW, List.of(OLD));
    assertArrayEquals(SECRET, after.open(null, old.nonce(), old.ciphertext(), "uid-1"));
    CredentialsKeyRing unrelated = CredentialsKeyRing.fromBase64(NEW, List.of());
    assertThrows(GeneralSecurityException.class, () -> unrelated.open(null, old.nonce(), old.ciphertext(), "uid-1"));
  }

  @Test
  void aKeyThatIsNotHeldIsNamedWithoutAnyKeyMaterial() {
    CredentialsCipher.Sealed old = CredentialsKeyRing.fromBase64(OLD, List.of()).seal(SECRET, "uid-1");
    CredentialsKeyRing dropped = CredentialsKeyRing.fromBase64(NEW, List.of());
    CredentialsKeyRing.UnknownKeyException e = assertThrows(CredentialsKeyRing.UnknownKeyException.class,
        () -> dropped.open(old.keyId(), old.nonce(), old.ciphertext(), "uid-1"));
    assertEquals(old.keyId(), e.keyId());
    assertTrue(e.getMessage().contains(old.keyId()) && e.getMessage().contains(dropped.currentKeyId()), e.getMessage());
    assertTrue(e.getMessage().contains("previous-keys"), e.getMessage());
    assertFalse(e.getMessage().contains(OLD) || e.getMessage().contains(NEW), "no key in the message");
    assertFalse(dropped.holds(old.keyId()));
  }

  @Test
  void theSameKeyTwiceIsHeldOnceAndBlankPreviousKeysAreIgnored() {
    CredentialsKeyRing ring = CredentialsKeyRing.fromBase64(NEW, java.util.Arrays.asList(NEW, " ", null, OLD));
    assertEquals(2, ring.keyIds().size());
  }

  @Test
  void tamperingStillFailsAuthenticationWithTheRightKey() {
    CredentialsKeyRing ring = CredentialsKeyRing.fromBase64(NEW, List.of(OLD));
    CredentialsCipher.Sealed s = ring.seal(SECRET, "uid-1");
    assertThrows(GeneralSecurityException.class, () -> ring.open(s.keyId(), s.nonce(), s.ciphertext(), "uid-2"));
  }
}
