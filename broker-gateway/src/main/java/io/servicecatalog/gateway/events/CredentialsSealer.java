package io.servicecatalog.gateway.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.crypto.CredentialsCipher;
import io.servicecatalog.model.events.BindingCredentials;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import java.util.Arrays;
import org.jboss.logging.Logger;

/**
 * Seals binding credentials for credential-injector (AES-256-GCM, associated data = binding
 * uid), always with the current key: the envelope carries that key's id, so credential-injector
 * opens it with the matching key of its ring (current or previous). The gateway never opens
 * envelopes, so it needs no previous keys. The key is required: the service refuses to start
 * without it rather than fail binds.
 */
@ApplicationScoped
@Startup
public class CredentialsSealer {
  private static final Logger LOG = Logger.getLogger(CredentialsSealer.class);
  private final CredentialsCipher cipher;

  public CredentialsSealer(GatewayConfig config) {
    this.cipher =
        CredentialsCipher.fromBase64(
            config
                .credentials()
                .key()
                .orElseThrow(
                    () -> new IllegalStateException("servicecatalog.credentials.key is not set (base64 of 32 bytes)")));
  }

  /** The fingerprint (never the key) of the sealing key, so a key rotation can be checked. */
  void onStart(@Observes StartupEvent event) {
    LOG.infof("sealing binding credentials with key %s", cipher.keyId());
  }

  /** Id of the key new envelopes are sealed with. */
  public String keyId() {
    return cipher.keyId();
  }

  public CredentialsEnvelope seal(ServiceBinding binding, String secretName, BindingCredentials credentials) {
    byte[] plain;
    try {
      plain = Json.MAPPER.writeValueAsBytes(credentials);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize binding credentials", e);
    }
    String uid = binding.getMetadata().getUid();
    try {
      CredentialsCipher.Sealed sealed = cipher.seal(plain, uid);
      return new CredentialsEnvelope(
          CredentialsEnvelope.SCHEMA_VERSION,
          uid,
          binding.getMetadata().getNamespace(),
          binding.getMetadata().getName(),
          secretName,
          binding.getMetadata().getGeneration(),
          sealed.keyId(),
          CredentialsCipher.ALGORITHM,
          sealed.nonce(),
          sealed.ciphertext());
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }
}
