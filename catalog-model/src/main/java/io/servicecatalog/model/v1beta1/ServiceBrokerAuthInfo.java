package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** How the platform authenticates to a broker: exactly one of basic or bearer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceBrokerAuthInfo {
  public SecretAuth basic;
  public SecretAuth bearer;

  /** Basic: the Secret holds keys {@code username} and {@code password}; bearer: {@code token}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretAuth {
    public ObjectReference secretRef;
  }

  public static final String USERNAME_KEY = "username";
  public static final String PASSWORD_KEY = "password";
  public static final String TOKEN_KEY = "token";
}
