package io.servicecatalog.injector.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicecatalog.model.crypto.CredentialsCipher;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretDigestTest {
  static final String KEY = CredentialsCipher.generateKey();
  static final SecretData DATA = SecretFormat.toSecretData(Map.of("password", "pw-1", "host", "db"));

  @Test
  void theDigestOfTheDataMatchesItAndNothingElse() {
    SecretDigest d = new SecretDigest(KEY, List.of());
    String annotation = d.of(DATA);
    assertTrue(d.matches(annotation, DATA.toBase64()));
    assertFalse(d.matches(annotation,
        SecretFormat.toSecretData(Map.of("password", "pw-2", "host", "db")).toBase64()));
    assertFalse(d.matches(annotation, SecretFormat.toSecretData(Map.of("password", "pw-1")).toBase64()));
    assertFalse(d.matches(annotation,
        SecretFormat.toSecretData(Map.of("password", "pw-1", "host", "db", "x", "")).toBase64()));
    assertFalse(annotation.contains("pw-1"));
  }

  @Test
  void keysAndValuesCannotBeShiftedIntoEachOther() {
    SecretDigest d = new SecretDigest(KEY, List.of());
    assertFalse(d.matches(d.of(SecretFormat.toSecretData(Map.of("ab", "c"))),
        SecretFormat.toSecretData(Map.of("a", "bc")).toBase64()));
  }

  @Test
  void anAdditionalKeyStillVerifiesAfterThePrimaryChanged() {
    String old = new SecretDigest(KEY, List.of()).of(DATA);
    SecretDigest rotated = new SecretDigest(CredentialsCipher.generateKey(), List.of(KEY));
    assertTrue(rotated.matches(old, DATA.toBase64()));
    assertNull(new SecretDigest(CredentialsCipher.generateKey(), List.of()).matches(old, DATA.toBase64()),
        "made with a key this injector does not hold: cannot tell");
    assertNull(rotated.matches(null, DATA.toBase64()));
    assertNull(rotated.matches("v0:x:y", DATA.toBase64()));
    assertEquals(3, old.split(":").length);
  }
}
