package io.servicecatalog.injector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicecatalog.model.events.CredentialsEnvelope;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvelopeStoreTest {

  static StoredEnvelope at(String uid, String nonce, int partition, long offset) {
    return new StoredEnvelope(
        new CredentialsEnvelope(1, uid, "ns", "b", null, 1L, "k", "AES-256-GCM", nonce, "SEALED-BYTES"),
        partition, offset);
  }

  @Test
  void laterOffsetsWinWhicheverReaderSeesThemFirst() {
    EnvelopeStore store = new EnvelopeStore();
    StoredEnvelope v1 = at("u", "n1", 2, 10);
    StoredEnvelope v2 = at("u", "n2", 2, 20);
    store.offer(v2);
    store.offer(v1);
    assertSame(v2, store.latest("u"));
    assertTrue(store.supersedes(v1));
    assertFalse(store.supersedes(v2));
    assertNotEquals(v1.fingerprint(), v2.fingerprint());
  }

  @Test
  void anEnvelopeWithoutPositionNeverDisplacesOneWithAPosition() {
    EnvelopeStore store = new EnvelopeStore();
    StoredEnvelope known = at("u", "n1", 0, 5);
    store.offer(known);
    store.offer(at("u", "n2", -1, -1));
    assertSame(known, store.latest("u"));
  }

  @Test
  void tombstonesRemoveWhatCameBeforeThem() {
    EnvelopeStore store = new EnvelopeStore();
    store.offer(at("u", "n1", 1, 3));
    store.tombstone("u", 1, 4);
    assertNull(store.latest("u"));
    store.offer(at("v", "n1", 1, 9));
    store.tombstone("v", 1, 4); // an old tombstone read late
    assertEquals("n1", store.latest("v").envelope().nonce());
    assertEquals(Set.of("v"), store.heldUids());
  }

  @Test
  void forgottenBindingsIgnoreLateEnvelopesUntilTheirTombstone() {
    EnvelopeStore store = new EnvelopeStore();
    store.offer(at("u", "n1", 0, 1));
    store.forget("u");
    store.offer(at("u", "n2", 0, 2));
    assertNull(store.latest("u"));
    assertTrue(store.isForgotten("u"));
    assertEquals(0, store.size());
    store.tombstone("u", 0, 3);
    assertFalse(store.isForgotten("u"));
  }

  @Test
  void theFingerprintIsOfCiphertextOnly() {
    StoredEnvelope e = at("u", "nonce", 0, 0);
    assertEquals(32, e.fingerprint().length());
    assertEquals(e.fingerprint(), at("u", "nonce", 3, 7).fingerprint());
    assertFalse(e.toString().contains("SEALED-BYTES"));
  }
}
