package io.servicecatalog.injector.store;

import io.servicecatalog.model.events.CredentialsEnvelope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A sealed envelope and where it was read from ({@code servicecatalog.credentials} partition,
 * offset, timestamp; -1 / 0 when unknown). The credentials stay sealed: this is what the injector keeps in
 * memory between attempts, never their plaintext.
 */
public final class StoredEnvelope {
  private final CredentialsEnvelope envelope;
  private final int partition;
  private final long offset;
  private final long timestamp;
  private final String fingerprint;

  public StoredEnvelope(CredentialsEnvelope envelope, int partition, long offset) {
    this(envelope, partition, offset, 0);
  }

  /** @param timestamp the record's timestamp (epoch milliseconds; 0 when unknown) */
  public StoredEnvelope(CredentialsEnvelope envelope, int partition, long offset, long timestamp) {
    this.envelope = envelope;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.fingerprint = fingerprint(envelope);
  }

  /** When the record was written (epoch milliseconds), 0 when unknown. */
  public long timestamp() {
    return timestamp;
  }

  public CredentialsEnvelope envelope() {
    return envelope;
  }

  public String bindingUid() {
    return envelope.bindingUid();
  }

  public int partition() {
    return partition;
  }

  public long offset() {
    return offset;
  }

  /** Whether both positions are known and {@code this} was written after {@code other}. */
  boolean newerThan(StoredEnvelope other) {
    return partition >= 0 && offset >= 0 && partition == other.partition && offset > other.offset;
  }

  /**
   * Identifies the sealed content (SHA-256 of key id, nonce and ciphertext, 32 hex digits). It
   * is computed from ciphertext only, so it reveals nothing about the credentials; every sealing
   * has a fresh nonce, so the same credentials sealed twice have different fingerprints.
   */
  public String fingerprint() {
    return fingerprint;
  }

  static String fingerprint(CredentialsEnvelope e) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(String.valueOf(e.keyId()).getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(String.valueOf(e.nonce()).getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(String.valueOf(e.ciphertext()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d.digest(), 0, 16);
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  @Override
  public String toString() {
    return "StoredEnvelope[binding " + envelope.namespace() + "/" + envelope.bindingName()
        + " uid " + envelope.bindingUid() + " at " + partition + "@" + offset + "]";
  }
}
