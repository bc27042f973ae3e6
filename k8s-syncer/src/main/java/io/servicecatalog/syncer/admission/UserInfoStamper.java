package io.servicecatalog.syncer.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.syncer.reconcile.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * The mutating admission webhook's decision, what the original's webhooks did at admission
 * (behaviour row 45): the requesting user from the AdmissionReview becomes {@code spec.userInfo} of
 * an instance or binding on create and whenever its spec changes, a userInfo written by hand
 * included (k8s-syncer then sends it to catalog-api, which records it and hands it to the broker as
 * the originating identity), and every new custom resource gets the catalog finalizer, so a {@code
 * kubectl delete} issued right after a create still waits for the deprovision.
 *
 * <p>Requests of the syncer itself are left alone: its writes mirror the catalog and are nobody's
 * change. Validation stays with catalog-api, the one admission authority (a refused object is
 * reported on the custom resource).
 */
public final class UserInfoStamper {
  /** Kinds whose spec has a userInfo (catalog-api records the caller there). */
  static final Set<String> WITH_USER_INFO = Set.of("ServiceInstance", "ServiceBinding");

  private final String ownUsername;

  public UserInfoStamper(String ownUsername) {
    this.ownUsername = ownUsername;
  }

  /** The AdmissionReview to answer with (admission.k8s.io/v1). */
  public ObjectNode review(JsonNode admissionReview) {
    JsonNode request = admissionReview.path("request");
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("apiVersion", admissionReview.path("apiVersion").asText("admission.k8s.io/v1"));
    out.put("kind", "AdmissionReview");
    ObjectNode response = out.putObject("response");
    response.put("uid", request.path("uid").asText());
    response.put("allowed", true);
    ArrayNode patch = patch(request);
    if (!patch.isEmpty()) {
      response.put("patchType", "JSONPatch");
      response.put(
          "patch",
          Base64.getEncoder().encodeToString(patch.toString().getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** The JSON Patch for one admission request; empty when nothing is to change. */
  ArrayNode patch(JsonNode request) {
    ArrayNode ops = Json.MAPPER.createArrayNode();
    String operation = request.path("operation").asText();
    JsonNode object = request.path("object");
    if (!object.isObject()
        || ownUsername.equals(request.path("userInfo").path("username").asText())) {
      return ops;
    }
    boolean create = "CREATE".equals(operation);
    if (create && !hasFinalizer(object)) {
      ObjectNode op = ops.addObject();
      if (object.path("metadata").path("finalizers").isArray()) {
        op.put("op", "add")
            .put("path", "/metadata/finalizers/-")
            .put("value", ServiceCatalog.FINALIZER);
      } else {
        op.put("op", "add").put("path", "/metadata/finalizers");
        op.putArray("value").add(ServiceCatalog.FINALIZER);
      }
    }
    String kind = request.path("kind").path("kind").asText(object.path("kind").asText());
    if (WITH_USER_INFO.contains(kind)
        && (create || specChanged(request.path("oldObject"), object))) {
      ObjectNode userInfo = userInfo(request.path("userInfo"));
      if (!CanonicalJson.same(userInfo, object.path("spec").get("userInfo"))) {
        if (object.path("spec").isObject()) {
          ops.addObject().put("op", "add").put("path", "/spec/userInfo").set("value", userInfo);
        } else {
          ObjectNode op = ops.addObject().put("op", "add").put("path", "/spec");
          op.putObject("value").set("userInfo", userInfo);
        }
      }
    }
    return ops;
  }

  /**
   * The spec changed — an edit of spec.userInfo itself included: whoever writes it gets their own
   * identity there, so nobody can act in another user's name.
   */
  static boolean specChanged(JsonNode oldObject, JsonNode object) {
    if (!oldObject.isObject()) {
      return true;
    }
    return !CanonicalJson.same(oldObject.get("spec"), object.get("spec"));
  }

  /** Kubernetes' authentication.k8s.io UserInfo has the same shape as the catalog's. */
  static ObjectNode userInfo(JsonNode user) {
    ObjectNode u = Json.MAPPER.createObjectNode();
    if (user.hasNonNull("username")) {
      u.put("username", user.get("username").asText());
    }
    if (user.hasNonNull("uid") && !user.get("uid").asText().isEmpty()) {
      u.put("uid", user.get("uid").asText());
    }
    if (user.path("groups").isArray() && !user.get("groups").isEmpty()) {
      u.set("groups", user.get("groups").deepCopy());
    }
    if (user.path("extra").isObject() && !user.get("extra").isEmpty()) {
      u.set("extra", user.get("extra").deepCopy());
    }
    return u;
  }

  private static boolean hasFinalizer(JsonNode object) {
    for (JsonNode f : object.path("metadata").path("finalizers")) {
      if (ServiceCatalog.FINALIZER.equals(f.asText())) {
        return true;
      }
    }
    return false;
  }
}
