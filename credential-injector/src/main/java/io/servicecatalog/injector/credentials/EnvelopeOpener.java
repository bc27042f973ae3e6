package io.servicecatalog.injector.credentials;

import io.servicecatalog.model.Json;
import io.servicecatalog.model.crypto.CredentialsCipher;
import io.servicecatalog.model.events.BindingCredentials;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Opens {@link CredentialsEnvelope}s with the shared AES-256-GCM key. The binding uid is the
 * associated data, so an envelope copied onto another binding fails authentication like a
 * tampered one. Plaintext bytes are wiped as soon as they are parsed.
 */
@ApplicationScoped
public class EnvelopeOpener {
  private static final Logger LOG = Logger.getLogger(EnvelopeOpener.class);

  private final Map<String, CredentialsCipher> ciphersByKeyId;
  private final CredentialsCipher primary;

  @Inject
  public EnvelopeOpener(CredentialsKeyConfig config) {
    this(config.key(), config.additionalKeys().orElse(java.util.List.of()));
  }

  public EnvelopeOpener(String primaryKey, Iterable<String> additionalKeys) {
    Map<String, CredentialsCipher> ciphers = new LinkedHashMap<>();
    this.primary = CredentialsCipher.fromBase64(primaryKey);
    ciphers.put(primary.keyId(), primary);
    for (String k : additionalKeys) {
      if (k != null && !k.isBlank()) {
        CredentialsCipher c = CredentialsCipher.fromBase64(k);
        ciphers.putIfAbsent(c.keyId(), c);
      }
    }
    this.ciphersByKeyId = Collections.unmodifiableMap(ciphers);
  }

  /** Fails the start (not the first envelope) on a malformed key; names keys by fingerprint. */
  void onStart(@Observes StartupEvent event) {
    LOG.infof("credentials key %s loaded%s", primary.keyId(),
        ciphersByKeyId.size() > 1
            ? " (also accepting " + (ciphersByKeyId.size() - 1) + " additional key(s))"
            : "");
  }

  /** Non-secret identifier of the primary key (for messages and the startup log). */
  public String keyId() {
    return primary.keyId();
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
    CredentialsCipher cipher =
        envelope.keyId() == null ? primary : ciphersByKeyId.get(envelope.keyId());
    if (cipher == null) {
      throw new EnvelopeRejectedException(
          "envelope was sealed with key " + envelope.keyId() + ", which this injector does not"
              + " hold (it holds " + String.join(", ", ciphersByKeyId.keySet()) + ")");
    }
    byte[] plaintext;
    try {
      plaintext = cipher.open(envelope.nonce(), envelope.ciphertext(), envelope.bindingUid());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new EnvelopeRejectedException(
          "envelope failed authentication: it was altered, or sealed for another binding");
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
