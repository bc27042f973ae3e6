package io.servicecatalog.api.auth;

import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.ResourceKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Per-namespace authorization, the rules of docs/architecture.md ("Security"):
 * admins and the mesh's own services may do everything; anyone else may read the cluster-scoped
 * kinds (the marketplace needs them), and read and write the namespaced kinds in the namespaces
 * granted to them, status subresources excepted. Lists and watches across all namespaces are for
 * admins and the mesh only.
 */
@ApplicationScoped
public class Authorizer {
  static final String PREFIX = "/apis/" + ServiceCatalog.API_VERSION + "/";
  /** What kubectl reads before anything else; open to every authenticated caller. */
  static final java.util.Set<String> DISCOVERY = java.util.Set.of("/api", "/api/", "/apis", "/apis/",
      "/apis/" + ServiceCatalog.GROUP, "/apis/" + ServiceCatalog.GROUP + "/", "/apis/" + ServiceCatalog.API_VERSION,
      "/apis/" + ServiceCatalog.API_VERSION + "/", "/version", "/version/");

  @Inject AuthConfig config;

  /** A request as Kubernetes' authorizer sees it. */
  public record Request(String verb, String resource, String namespace, String name, boolean status) {}

  /** null when allowed, else the reason, phrased like kube-apiserver's Forbidden message. */
  public String refusal(Caller caller, String method, String path, boolean watch) {
    Caller who = caller.authorizedAs();
    if (who.inAny(config.adminGroups()) || who.inAny(config.systemGroups())) {
      return null;
    }
    // Only paths this check understands segment by segment: matrix parameters, empty segments or
    // encoded slashes could be read differently by the router than here.
    if (path.contains(";") || path.contains("//") || path.toLowerCase().contains("%2f")) {
      return "User \"" + who.username() + "\" cannot " + method.toLowerCase() + " path \"" + path + "\"";
    }
    if (DISCOVERY.contains(path) || path.startsWith("/openapi/")) {
      return null; // discovery, version, OpenAPI: any authenticated caller
    }
    if (!path.startsWith(PREFIX)) {
      return "User \"" + who.username() + "\" cannot " + method.toLowerCase() + " path \"" + path + "\"";
    }
    Request r = parse(method, path.substring(PREFIX.length()), watch);
    if (r == null) {
      return null; // the group version's discovery document
    }
    String user = "User \"" + who.username() + "\" cannot " + r.verb + " resource \"" + r.resource
        + (r.status ? "/status" : "") + "\" in API group \"" + ServiceCatalog.GROUP + "\"";
    boolean write = !method.equals("GET") && !method.equals("HEAD");
    if (r.namespace != null) {
      if (!granted(who, r.namespace)) {
        return user + " in the namespace \"" + r.namespace + "\"";
      }
      if (r.status && write) {
        return user + " in the namespace \"" + r.namespace + "\": status is written by the catalog's own services";
      }
      return null;
    }
    ResourceKind kind = ResourceKind.fromPlural(r.resource).orElse(null);
    if (kind != null && kind.namespaced()) {
      return user + " at the cluster scope: list and watch in a namespace you are granted";
    }
    if (write) {
      return user + " at the cluster scope: cluster-scoped kinds are changed by admins only";
    }
    return null;
  }

  boolean granted(Caller who, String namespace) {
    if (who.groups().contains(config.namespaceGroupPrefix() + namespace)) {
      return true;
    }
    List<String> grants = config.namespaces().get(namespace);
    if (grants == null) {
      return false;
    }
    for (String g : grants) {
      String grant = g.strip();
      if (grant.startsWith("group:") ? who.groups().contains(grant.substring("group:".length()))
          : grant.equals(who.username())) {
        return true;
      }
    }
    return false;
  }

  static Request parse(String method, String rest, boolean watch) {
    String[] parts = rest.isEmpty() ? new String[0] : rest.split("/");
    if (parts.length == 0) {
      return null;
    }
    String namespace = null;
    int at = 0;
    if (parts[0].equals("namespaces") && parts.length >= 2) {
      namespace = parts[1];
      at = 2;
    }
    String resource = parts.length > at ? parts[at] : "namespaces";
    String name = parts.length > at + 1 ? parts[at + 1] : null;
    boolean status = parts.length > at + 2 && parts[at + 2].equals("status");
    String verb = switch (method) {
      case "GET", "HEAD" -> watch ? "watch" : name == null ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name == null ? "deletecollection" : "delete";
      default -> method.toLowerCase();
    };
    return new Request(verb, resource, namespace, name, status);
  }
}
