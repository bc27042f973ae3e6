package io.servicecatalog.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * v1: binding credentials on their way from broker-gateway to credential-injector on {@link
 * Topics#CREDENTIALS}, keyed by binding uid. Only routing data is in the clear; the credentials
 * and the secret transforms are sealed with AES-256-GCM ({@link
 * io.servicecatalog.model.crypto.CredentialsCipher}), bound to the binding uid as associated
 * data so an envelope cannot be replayed onto another binding.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CredentialsEnvelope(
    int schemaVersion,
    String bindingUid,
    String namespace,
    String bindingName,
    String secretName,
    Long generation,
    String keyId,
    String algorithm,
    String nonce,
    String ciphertext) {

  public static final int SCHEMA_VERSION = 1;
}
