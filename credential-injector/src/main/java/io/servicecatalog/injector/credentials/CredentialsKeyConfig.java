package io.servicecatalog.injector.credentials;

import io.smallrye.config.ConfigMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The keys shared with broker-gateway for opening {@code CredentialsEnvelope}s. Values are base64
 * AES-256 keys; they are never logged (only their fingerprints, the envelopes' key ids).
 */
@ConfigMapping(prefix = "servicecatalog.credentials")
public interface CredentialsKeyConfig {

  /** The current key (base64, 32 bytes): the one broker-gateway seals with. Required. */
  String key();

  /**
   * Keys of before a rotation, still accepted for envelopes sealed with them (and for Secret
   * digests made with them). See "Rotating the credentials key" in docs/architecture.md.
   */
  Optional<List<String>> previousKeys();

  /** Former name of {@link #previousKeys()}, still honoured. */
  Optional<List<String>> additionalKeys();

  /** Previous keys from both names, in order. */
  default List<String> allPreviousKeys() {
    List<String> keys = new ArrayList<>(previousKeys().orElse(List.of()));
    keys.addAll(additionalKeys().orElse(List.of()));
    return keys;
  }
}
