package io.servicecatalog.injector.credentials;

import io.servicecatalog.model.Json;
import io.servicecatalog.model.crypto.CredentialsCipher;
import io.servicecatalog.model.crypto.CredentialsKeyRing;
import io.servicecatalog.model.events.BindingCredentials;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Opens {@link CredentialsEnvelope}s with the shared AES-256-GCM key the envelope names (the
 * current one or a previous one, see {@link CredentialsKeyRing}). The binding uid is the
 * associated data, so an envelope copied onto another binding fails authentication like a
 * tampered one. Plaintext bytes are wiped as soon as they are parsed.
 */
@ApplicationScoped
public class EnvelopeOpener {
  private static final Logger LOG = Logger.getLogger(EnvelopeOpener.class);

  private final CredentialsKeyRing keys;

  @Inject
  public EnvelopeOpener(CredentialsKeyConfig config) {
    this(config.key(), config.allPreviousKeys());
  }

  /** @param previousKeys keys of before a rotation (base64), accepted for envelopes sealed with them */
  public EnvelopeOpener(String currentKey, Iterable<String> previousKeys) {
    this.keys = CredentialsKeyRing.fromBase64(currentKey, previousKeys);
  }

  /** Fails the start (not the first envelope) on a malformed key; names keys by fingerprint. */
  void onStart(@Observes StartupEvent event) {
    List<String> ids = keys.keyIds();
    LOG.infof("credentials key %s loaded%s", keys.currentKeyId(),
        ids.size() > 1 ? " (previous keys still accepted: " + String.join(", ", ids.subList(1, ids.size())) + ")" : "");
  }

  /** Non-secret identifier of the current key (for messages and the startup log). */
  public String keyId() {
    return keys.currentKeyId();
  }

  /** Ids of every key this injector opens envelopes with, current first. */
  public List<String> keyIds() {
    return keys.keyIds();
  }

  public BindingCredentials open(CredentialsEnvelope envelope) throws EnvelopeRejectedException {
    if (envelope.schemaVersion() > CredentialsEnvelope.SCHEMA_VERSION) {
      throw new EnvelopeRejectedException(
          "envelope schemaVersion " + envelope.schemaVersion() + " is newer than this injector"
              + " understands (" + CredentialsEnvelope.SCHEMA_VERSION + ")");
    }
    if (envelope.algorithm() != null && !CredentialsCipher.ALGORITHM.equals(envelope.algorithm())) {
      throw new EnvelopeRejectedException(
          "envelope algorithm " + envelope.algorithm() + " is not supported (expected "
              + CredentialsCipher.ALGORITHM + ")");
    }
    if (isBlank(envelope.bindingUid()) || isBlank(envelope.nonce()) || isBlank(envelope.ciphertext())) {
      throw new EnvelopeRejectedException("envelope lacks bindingUid, nonce or ciphertext");
    }
    byte[] plaintext;
    try {
      plaintext = keys.open(envelope.keyId(), envelope.nonce(), envelope.ciphertext(), envelope.bindingUid());
    } catch (CredentialsKeyRing.UnknownKeyException e) {
      throw new EnvelopeRejectedException(
          "envelope was sealed with key " + e.keyId() + ", which this injector does not hold (it holds "
              + String.join(", ", keys.keyIds()) + "); to open it, add that key to"
              + " servicecatalog.credentials.previous-keys");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new EnvelopeRejectedException(
          "envelope failed authentication: it was altered, or sealed for another binding"
              + (envelope.keyId() == null ? " (it names no key: none of the configured keys opens it)" : ""));
    }
    try {
      BindingCredentials credentials = Json.MAPPER.readValue(plaintext, BindingCredentials.class);
      if (credentials == null) {
        throw new EnvelopeRejectedException("sealed content is empty");
      }
      return credentials;
    } catch (java.io.IOException e) {
      // The parser's message quotes the input: never pass it on.
      throw new EnvelopeRejectedException("sealed content is not a valid credentials document");
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
