package io.servicecatalog.injector.credentials;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/**
 * The key shared with broker-gateway for opening {@code CredentialsEnvelope}s. Values are base64
 * AES-256 keys; they are never logged.
 */
@ConfigMapping(prefix = "servicecatalog.credentials")
public interface CredentialsKeyConfig {

  /** The key envelopes are normally sealed with (base64, 32 bytes). Required. */
  String key();

  /**
   * Further keys accepted when opening, for key rotation: give the injector the new key here
   * first, then switch broker-gateway to it, then make it {@link #key()}.
   */
  Optional<List<String>> additionalKeys();
}
