package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How the platform authenticates to a broker: exactly one of basic or bearer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceBrokerAuthInfo {
  @JsonPropertyDescription("Basic authentication; the Secret holds the keys username and password.")
  public SecretAuth basic;
  @JsonPropertyDescription("Bearer token authentication; the Secret holds the key token.")
  public SecretAuth bearer;

  /** Basic: the Secret holds keys {@code username} and {@code password}; bearer: {@code token}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretAuth {
    @JsonPropertyDescription("The Secret holding the credentials.")
    public ObjectReference secretRef;
  }

  public static final String USERNAME_KEY = "username";
  public static final String PASSWORD_KEY = "password";
  public static final String TOKEN_KEY = "token";
}
