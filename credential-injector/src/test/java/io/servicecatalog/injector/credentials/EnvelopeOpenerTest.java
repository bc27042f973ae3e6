package io.servicecatalog.injector.credentials;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.servicecatalog.model.crypto.CredentialsCipher;
import io.servicecatalog.model.events.BindingCredentials;
import io.servicecatalog.model.events.CredentialsEnvelope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeOpenerTest {
  static final String KEY = CredentialsCipher.generateKey();
  static final String NEXT_KEY = CredentialsCipher.generateKey();
  static final String PAYLOAD =
      "{\"credentials\":{\"password\":\"hunter2\",\"port\":3306},"
          + "\"secretTransforms\":[{\"removeKey\":{\"key\":\"port\"}}]}";

  static CredentialsEnvelope seal(String key, String uid, String payload) {
    CredentialsCipher c = CredentialsCipher.fromBase64(key);
    CredentialsCipher.Sealed s = c.seal(payload.getBytes(StandardCharsets.UTF_8), uid);
    return new CredentialsEnvelope(1, uid, "ns", "b", null, 1L, s.keyId(),
        CredentialsCipher.ALGORITHM, s.nonce(), s.ciphertext());
  }

  @Test
  void opensWhatTheSharedKeySealedForThisBinding() throws Exception {
    BindingCredentials c = new EnvelopeOpener(KEY, List.of()).open(seal(KEY, "uid-1", PAYLOAD));
    assertEquals("hunter2", c.credentials().get("password").asText());
    assertEquals(3306, c.credentials().get("port").asInt());
    assertEquals("port", c.secretTransforms().get(0).removeKey.key);
    assertThat(c.toString(), not(containsString("hunter2")));
  }

  @Test
  void tamperingIsDetectedWithoutQuotingAnything() {
    CredentialsEnvelope e = seal(KEY, "uid-1", PAYLOAD);
    String ct = e.ciphertext();
    String flipped = (ct.charAt(0) == 'A' ? "B" : "A") + ct.substring(1);
    CredentialsEnvelope tampered = new CredentialsEnvelope(1, "uid-1", "ns", "b", null, 1L,
        e.keyId(), e.algorithm(), e.nonce(), flipped);
    EnvelopeRejectedException x =
        assertThrows(EnvelopeRejectedException.class,
            () -> new EnvelopeOpener(KEY, List.of()).open(tampered));
    assertThat(x.getMessage(), containsString("failed authentication"));
  }

  @Test
  void anotherBindingsEnvelopeDoesNotOpen() {
    CredentialsEnvelope e = seal(KEY, "uid-1", PAYLOAD);
    CredentialsEnvelope moved = new CredentialsEnvelope(1, "uid-2", "ns", "b", null, 1L,
        e.keyId(), e.algorithm(), e.nonce(), e.ciphertext());
    assertThrows(EnvelopeRejectedException.class,
        () -> new EnvelopeOpener(KEY, List.of()).open(moved));
  }

  @Test
  void anotherKeyIsNamedByItsFingerprint() {
    CredentialsEnvelope e = seal(NEXT_KEY, "uid-1", PAYLOAD);
    EnvelopeRejectedException x =
        assertThrows(EnvelopeRejectedException.class,
            () -> new EnvelopeOpener(KEY, List.of()).open(e));
    assertThat(x.getMessage(), containsString(e.keyId()));
    assertThat(x.getMessage(), not(containsString(KEY)));
  }

  @Test
  void additionalKeysOpenDuringRotation() throws Exception {
    BindingCredentials c =
        new EnvelopeOpener(KEY, List.of(NEXT_KEY)).open(seal(NEXT_KEY, "uid-1", PAYLOAD));
    assertEquals("hunter2", c.credentials().get("password").asText());
  }

  @Test
  void unparsableContentIsRejectedWithoutEcho() {
    EnvelopeRejectedException x =
        assertThrows(EnvelopeRejectedException.class,
            () -> new EnvelopeOpener(KEY, List.of()).open(seal(KEY, "u", "hunter2 is not json")));
    assertThat(x.getMessage(), not(containsString("hunter2")));
  }

  @Test
  void unknownAlgorithmOrNewerSchemaIsRejected() {
    CredentialsEnvelope e = seal(KEY, "uid-1", PAYLOAD);
    assertThrows(EnvelopeRejectedException.class,
        () -> new EnvelopeOpener(KEY, List.of()).open(new CredentialsEnvelope(1, "uid-1", "ns",
            "b", null, 1L, e.keyId(), "ROT13", e.nonce(), e.ciphertext())));
    assertThrows(EnvelopeRejectedException.class,
        () -> new EnvelopeOpener(KEY, List.of()).open(new CredentialsEnvelope(2, "uid-1", "ns",
            "b", null, 1L, e.keyId(), e.algorithm(), e.nonce(), e.ciphertext())));
  }

  @Test
  void afterRotationOldAndNewEnvelopesOpenAndADroppedKeyIsNamedWithoutPlaintext() throws Exception {
    CredentialsEnvelope sealedBefore = seal(KEY, "uid-old", PAYLOAD);
    CredentialsEnvelope sealedAfter = seal(NEXT_KEY, "uid-new", PAYLOAD);
    // rotated: the new key is current, the old one previous
    EnvelopeOpener rotated = new EnvelopeOpener(NEXT_KEY, List.of(KEY));
    assertEquals(CredentialsCipher.fromBase64(NEXT_KEY).keyId(), rotated.keyId());
    assertEquals("hunter2", rotated.open(sealedBefore).credentials().get("password").asText());
    assertEquals("hunter2", rotated.open(sealedAfter).credentials().get("password").asText());
    // an envelope written before key ids were carried opens with whichever key fits
    CredentialsEnvelope withoutKeyId = new CredentialsEnvelope(1, "uid-old", "ns", "b", null, 1L, null,
        null, sealedBefore.nonce(), sealedBefore.ciphertext());
    assertEquals("hunter2", rotated.open(withoutKeyId).credentials().get("password").asText());

    // the old key dropped too early: a clear error naming the key ids, nothing of the content
    EnvelopeOpener dropped = new EnvelopeOpener(NEXT_KEY, List.of());
    EnvelopeRejectedException x =
        assertThrows(EnvelopeRejectedException.class, () -> dropped.open(sealedBefore));
    assertThat(x.getMessage(), containsString(sealedBefore.keyId()));
    assertThat(x.getMessage(), containsString("previous-keys"));
    assertThat(x.getMessage(), not(containsString("hunter2")));
    assertThat(x.getMessage(), not(containsString(KEY)));
    assertThat(x.getMessage(), not(containsString(sealedBefore.ciphertext())));
    EnvelopeRejectedException legacy =
        assertThrows(EnvelopeRejectedException.class, () -> dropped.open(withoutKeyId));
    assertThat(legacy.getMessage(), containsString("names no key"));
  }
}
