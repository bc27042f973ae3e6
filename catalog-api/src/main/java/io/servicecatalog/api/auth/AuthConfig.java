package io.servicecatalog.api.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Who may call catalog-api, and what each caller may do (docs/architecture.md, "Security"). */
@ConfigMapping(prefix = "servicecatalog.auth")
public interface AuthConfig {
  /**
   * kube-apiserver's --token-auth-file format: {@code token,user,uid,"group1,group2"} per line.
   * Without it only OIDC bearer tokens are accepted.
   */
  Optional<String> tokenFile();

  /** Members may do everything. */
  @WithDefault("servicecatalog:admins,system:masters")
  List<String> adminGroups();

  /** The mesh's own services (broker-gateway, credential-injector, k8s-syncer): everything, status included. */
  @WithDefault("servicecatalog:system")
  List<String> systemGroups();

  /** Members may send X-Remote-* headers: the request is then recorded as that user's. */
  @WithDefault("servicecatalog:proxies")
  List<String> proxyGroups();

  /** Membership of {@code <prefix><namespace>} grants the namespace's namespaced kinds. */
  @WithDefault("servicecatalog:namespace:")
  String namespaceGroupPrefix();

  /**
   * Namespace grants by configuration: {@code servicecatalog.auth.namespaces."<ns>"=alice,group:devs}
   * (users by name, groups with a {@code group:} prefix).
   */
  Map<String, List<String>> namespaces();
}
