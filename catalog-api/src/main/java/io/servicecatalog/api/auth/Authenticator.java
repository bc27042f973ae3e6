package io.servicecatalog.api.auth;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Turns a request's bearer token into a {@link Caller}: first the static token file, then (when an
 * issuer is configured) an OIDC JWT verified by Quarkus' OIDC extension against the issuer's keys,
 * audience and expiry. Groups of an OIDC caller come from the configured claim
 * ({@code quarkus.oidc.roles.role-claim-path}).
 */
@ApplicationScoped
public class Authenticator {
  private static final Logger LOG = Logger.getLogger(Authenticator.class);

  /** Why a request carries no usable credentials; the message is safe to show (it never holds the token). */
  public static final class Unauthenticated extends RuntimeException {
    public Unauthenticated(String message) {
      super(message, null, false, false);
    }
  }

  @Inject AuthConfig config;
  @Inject Instance<TenantIdentityProvider> oidc;

  @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "true")
  boolean oidcEnabled;

  @ConfigProperty(name = "quarkus.oidc.auth-server-url")
  Optional<String> issuer;

  private volatile TokenFile tokens;

  void load(@Observes StartupEvent start) throws Exception {
    if (config.tokenFile().isPresent() && !config.tokenFile().get().isBlank()) {
      tokens = TokenFile.load(Path.of(config.tokenFile().get()));
      LOG.infof("token file %s: %d tokens", config.tokenFile().get(), tokens.size());
    }
    boolean oidcOn = oidcEnabled && issuer.filter(s -> !s.isBlank()).isPresent();
    if (!oidcOn && issuer.filter(s -> !s.isBlank()).isPresent()) {
      LOG.warn("quarkus.oidc.auth-server-url is set but quarkus.oidc.tenant-enabled=false: OIDC tokens are refused");
    }
    if (tokens == null && !oidcOn) {
      LOG.warn("neither a token file (servicecatalog.auth.token-file) nor an OIDC issuer is configured: "
          + "every API request will be refused with 401");
    } else {
      LOG.infof("authentication: token file %s, OIDC %s", tokens != null ? "on" : "off",
          oidcOn ? "on (" + issuer.get() + ")" : "off");
    }
  }

  boolean oidcOn() {
    return oidcEnabled && issuer.filter(s -> !s.isBlank()).isPresent();
  }

  /** The caller, or a failed Uni with {@link Unauthenticated}. */
  public Uni<Caller> authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Uni.createFrom().failure(new Unauthenticated("no credentials: send an Authorization: Bearer token"));
    }
    String[] scheme = authorization.strip().split("\\s+", 2);
    if (scheme.length != 2 || !scheme[0].equalsIgnoreCase("Bearer") || scheme[1].isBlank()) {
      return Uni.createFrom().failure(new Unauthenticated("unsupported credentials: send an Authorization: Bearer token"));
    }
    String token = scheme[1].strip();
    TokenFile file = tokens;
    if (file != null) {
      Optional<Caller> known = file.find(token);
      if (known.isPresent()) {
        return Uni.createFrom().item(known.get());
      }
    }
    if (!oidcOn() || !looksLikeJwt(token)) {
      return Uni.createFrom().failure(new Unauthenticated("invalid bearer token"));
    }
    return oidc.get().authenticate(new AccessTokenCredential(token))
        .onFailure().transform(f -> {
          LOG.debugf("OIDC token refused: %s", f.getClass().getSimpleName());
          return new Unauthenticated("invalid bearer token");
        })
        .map(Authenticator::fromOidc);
  }

  private static Caller fromOidc(SecurityIdentity identity) {
    if (identity == null || identity.isAnonymous()) {
      throw new Unauthenticated("invalid bearer token");
    }
    String uid = identity.getPrincipal() instanceof JsonWebToken jwt ? jwt.getSubject() : null;
    List<String> groups = new ArrayList<>(identity.getRoles());
    groups.sort(null);
    return Caller.of(identity.getPrincipal().getName(), uid, groups);
  }

  private static boolean looksLikeJwt(String token) {
    return token.chars().filter(c -> c == '.').count() == 2;
  }
}
