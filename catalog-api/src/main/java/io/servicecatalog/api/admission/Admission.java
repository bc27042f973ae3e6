package io.servicecatalog.api.admission;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.api.rest.ApiException;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.Names;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.v1beta1.CatalogRestrictions;
import io.servicecatalog.model.v1beta1.ParametersFromSource;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.model.v1beta1.SecretTransform;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBindingSpec;
import io.servicecatalog.model.v1beta1.ServiceBrokerAuthInfo;
import io.servicecatalog.model.v1beta1.ServiceBrokerSpec;
import io.servicecatalog.model.v1beta1.ServiceClassSpec;
import io.servicecatalog.model.v1beta1.ServicePlanSpec;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.model.v1beta1.ServiceInstanceSpec;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Defaulting and static validation of a new object: what the original did in its mutating and
 * validating webhooks, done here before anything is stored. Checks that need other objects (plan
 * resolution) happen in the lifecycle, inside the transaction.
 */
public final class Admission {
  private Admission() {}

  private static final Pattern GO_DURATION =
      Pattern.compile("^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Parses, checks and defaults an object sent to create; throws a Status-carrying error. */
  public static CustomResource<?, ?> admitCreate(ResourceKind kind, String pathNamespace, JsonNode node) {
    checkTypeMeta(kind, node);
    JsonNode ns = node.at("/metadata/namespace");
    if (kind.namespaced() && ns.isTextual() && !ns.asText().isEmpty()
        && !ns.asText().equals(pathNamespace)) {
      throw ApiException.badRequest("the namespace of the provided object (" + ns.asText()
          + ") does not match the namespace sent on the request (" + pathNamespace + ")");
    }
    CustomResource<?, ?> obj = convert(kind, node);
    ObjectMeta meta = obj.getMetadata() == null ? new ObjectMeta() : obj.getMetadata();
    obj.setMetadata(meta);
    if ((meta.getName() == null || meta.getName().isEmpty()) && meta.getGenerateName() != null
        && !meta.getGenerateName().isEmpty()) {
      meta.setName(meta.getGenerateName() + randomSuffix());
    }
    FieldErrors errors = new FieldErrors();
    String nameProblem = Names.validateSubdomain(meta.getName());
    if (nameProblem != null) {
      if (meta.getName() == null || meta.getName().isEmpty()) {
        errors.required("metadata.name", "name or generateName is required");
      } else {
        errors.invalid("metadata.name", meta.getName(), nameProblem);
      }
    }
    // Server-owned metadata: whatever the client sent is replaced.
    meta.setNamespace(kind.namespaced() ? pathNamespace : null);
    meta.setUid(UUID.randomUUID().toString());
    meta.setResourceVersion(null);
    meta.setGeneration(1L);
    meta.setCreationTimestamp(Times.now());
    meta.setDeletionTimestamp(null);
    meta.setDeletionGracePeriodSeconds(null);
    meta.setManagedFields(null);
    meta.setSelfLink(null);

    validateSpec(kind, obj, errors);
    ServiceInstanceSpec refsCheck = obj instanceof ServiceInstance si ? si.getSpec() : null;
    if (refsCheck != null && (refsCheck.clusterServiceClassRef != null || refsCheck.clusterServicePlanRef != null
        || refsCheck.serviceClassRef != null || refsCheck.servicePlanRef != null)) {
      errors.forbidden("spec.clusterServiceClassRef",
          "resolved references are set by the catalog and must be empty on create");
    }
    if (kind == ResourceKind.SERVICE_INSTANCE || kind == ResourceKind.SERVICE_BINDING
        || kind.isBroker()) {
      // The catalog lets go of these only after the broker has (deprovision, unbind).
      addFinalizer(meta);
    }
    obj.setStatus(null);
    errors.throwIfAny(kind.kind(), meta.getName());
    return obj;
  }

  private static void validateSpec(ResourceKind kind, CustomResource<?, ?> obj, FieldErrors errors) {
    switch (kind) {
      case CLUSTER_SERVICE_BROKER -> broker(obj.getMetadata(), (ServiceBrokerSpec) obj.getSpec(), false, errors);
      case SERVICE_BROKER -> broker(obj.getMetadata(), (ServiceBrokerSpec) obj.getSpec(), true, errors);
      case CLUSTER_SERVICE_CLASS, SERVICE_CLASS -> serviceClass(kind, (ServiceClassSpec) obj.getSpec(), errors);
      case CLUSTER_SERVICE_PLAN, SERVICE_PLAN -> servicePlan(kind, (ServicePlanSpec) obj.getSpec(), errors);
      case SERVICE_INSTANCE -> instance((ServiceInstance) obj, errors);
      case SERVICE_BINDING -> binding((ServiceBinding) obj, errors);
    }
  }

  /** Where an update touches the status only (the /status subresource) or the rest. */
  public enum Target {
    MAIN,
    STATUS
  }

  /**
   * Checks a replacement of {@code current} (PUT, or the result of a PATCH): optimistic
   * concurrency on resourceVersion, server-owned metadata kept, immutable fields unchanged,
   * generation bumped only when the spec changed. Returns the object to store.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static CustomResource<?, ?> admitUpdate(ResourceKind kind, CustomResource<?, ?> current,
      JsonNode node, Target target) {
    checkTypeMeta(kind, node);
    ObjectMeta cm = current.getMetadata();
    String name = cm.getName();
    JsonNode n = node.at("/metadata/name");
    if (n.isTextual() && !n.asText().equals(name)) {
      throw ApiException.badRequest("the name of the object (" + n.asText()
          + ") does not match the name on the URL (" + name + ")");
    }
    JsonNode ns = node.at("/metadata/namespace");
    if (kind.namespaced() && ns.isTextual() && !ns.asText().isEmpty()
        && !ns.asText().equals(cm.getNamespace())) {
      throw ApiException.badRequest("the namespace of the provided object (" + ns.asText()
          + ") does not match the namespace sent on the request (" + cm.getNamespace() + ")");
    }
    JsonNode rv = node.at("/metadata/resourceVersion");
    if (!rv.isTextual() || rv.asText().isEmpty()) {
      FieldErrors errors = new FieldErrors();
      errors.invalid("metadata.resourceVersion", null, "must be specified for an update");
      errors.throwIfAny(kind.kind(), name);
    }
    if (!rv.asText().equals(cm.getResourceVersion())) {
      throw ApiException.conflict(kind.plural(), name,
          "the object has been modified; please apply your changes to the latest version and try again");
    }
    JsonNode uid = node.at("/metadata/uid");
    if (uid.isTextual() && !uid.asText().isEmpty() && !uid.asText().equals(cm.getUid())) {
      throw ApiException.conflict(kind.plural(), name, "Precondition failed: UID in precondition: "
          + uid.asText() + ", UID in object meta: " + cm.getUid());
    }
    CustomResource incoming = convert(kind, node);
    CustomResource result = convert(kind, Json.MAPPER.valueToTree(current));
    if (target == Target.STATUS) {
      result.setStatus(incoming.getStatus());
      return result;
    }
    ObjectMeta im = incoming.getMetadata() == null ? new ObjectMeta() : incoming.getMetadata();
    ObjectMeta rm = result.getMetadata();
    rm.setLabels(im.getLabels());
    rm.setAnnotations(im.getAnnotations());
    rm.setFinalizers(im.getFinalizers());
    rm.setOwnerReferences(im.getOwnerReferences());
    FieldErrors errors = new FieldErrors();
    Object oldSpec = current.getSpec();
    Object newSpec = incoming.getSpec();
    if (newSpec == null) {
      errors.required("spec", null);
      errors.throwIfAny(kind.kind(), name);
    }
    keepImmutable(kind, current, incoming, errors);
    validateSpec(kind, incoming, errors);
    errors.throwIfAny(kind.kind(), name);
    boolean specChanged = !Json.MAPPER.valueToTree(oldSpec).equals(Json.MAPPER.valueToTree(newSpec));
    if (specChanged) {
      if (cm.getDeletionTimestamp() != null) {
        FieldErrors e2 = new FieldErrors();
        e2.forbidden("spec", "the object is being deleted; its spec can no longer change");
        e2.throwIfAny(kind.kind(), name);
      }
      result.setSpec(newSpec);
      rm.setGeneration(cm.getGeneration() == null ? 1 : cm.getGeneration() + 1);
    }
    return result;
  }

  /** Fields that never change once set; a client that leaves them out keeps the stored value. */
  private static void keepImmutable(ResourceKind kind, CustomResource<?, ?> current,
      CustomResource<?, ?> incoming, FieldErrors errors) {
    switch (kind) {
      case SERVICE_INSTANCE -> {
        ServiceInstanceSpec o = (ServiceInstanceSpec) current.getSpec();
        ServiceInstanceSpec n = (ServiceInstanceSpec) incoming.getSpec();
        if (n.externalID == null || n.externalID.isEmpty()) {
          n.externalID = o.externalID;
        } else if (!n.externalID.equals(o.externalID)) {
          errors.invalid("spec.externalID", n.externalID, "field is immutable");
        }
        if (n.updateRequests == null) {
          n.updateRequests = o.updateRequests;
        } else if (o.updateRequests != null && n.updateRequests < o.updateRequests) {
          errors.invalid("spec.updateRequests", n.updateRequests, "must not decrease (was " + o.updateRequests + ")");
        }
        if (!Objects.equals(o.clusterServiceClassExternalName, n.clusterServiceClassExternalName)
            || !Objects.equals(o.clusterServiceClassExternalID, n.clusterServiceClassExternalID)
            || !Objects.equals(o.clusterServiceClassName, n.clusterServiceClassName)
            || !Objects.equals(o.serviceClassExternalName, n.serviceClassExternalName)
            || !Objects.equals(o.serviceClassExternalID, n.serviceClassExternalID)
            || !Objects.equals(o.serviceClassName, n.serviceClassName)) {
          errors.forbidden("spec.clusterServiceClassExternalName",
              "the class of an instance cannot change; the plan can");
        }
        boolean planChanged = !Objects.equals(o.clusterServicePlanExternalName, n.clusterServicePlanExternalName)
            || !Objects.equals(o.clusterServicePlanExternalID, n.clusterServicePlanExternalID)
            || !Objects.equals(o.clusterServicePlanName, n.clusterServicePlanName)
            || !Objects.equals(o.servicePlanExternalName, n.servicePlanExternalName)
            || !Objects.equals(o.servicePlanExternalID, n.servicePlanExternalID)
            || !Objects.equals(o.servicePlanName, n.servicePlanName);
        // Resolved references belong to the catalog: kept, or cleared for re-resolution.
        n.clusterServiceClassRef = o.clusterServiceClassRef;
        n.serviceClassRef = o.serviceClassRef;
        n.clusterServicePlanRef = planChanged ? null : o.clusterServicePlanRef;
        n.servicePlanRef = planChanged ? null : o.servicePlanRef;
        if (n.userInfo == null) {
          n.userInfo = o.userInfo;
        }
      }
      case SERVICE_BINDING -> {
        ServiceBindingSpec o = (ServiceBindingSpec) current.getSpec();
        ServiceBindingSpec n = (ServiceBindingSpec) incoming.getSpec();
        if (n.externalID == null || n.externalID.isEmpty()) {
          n.externalID = o.externalID;
        }
        if (n.secretName == null || n.secretName.isEmpty()) {
          n.secretName = o.secretName;
        }
        if (n.userInfo == null) {
          n.userInfo = o.userInfo;
        }
        if (n.rotationRequests == null) {
          n.rotationRequests = o.rotationRequests;
        } else if (o.rotationRequests != null && n.rotationRequests < o.rotationRequests) {
          errors.invalid("spec.rotationRequests", n.rotationRequests, "must not decrease (was " + o.rotationRequests + ")");
        }
        // Everything but the rotation counter is fixed: a binding is recreated, not edited.
        ServiceBindingSpec cmp = Json.MAPPER.convertValue(Json.MAPPER.valueToTree(n), ServiceBindingSpec.class);
        cmp.rotationRequests = o.rotationRequests;
        cmp.userInfo = o.userInfo;
        if (!Json.MAPPER.valueToTree(cmp).equals(Json.MAPPER.valueToTree(o))) {
          errors.forbidden("spec", "the spec of a ServiceBinding is immutable (except rotationRequests);"
              + " delete the binding and create a new one");
        }
      }
      case CLUSTER_SERVICE_BROKER, SERVICE_BROKER -> {
        ServiceBrokerSpec o = (ServiceBrokerSpec) current.getSpec();
        ServiceBrokerSpec n = (ServiceBrokerSpec) incoming.getSpec();
        // As the original's webhook: 0 or absent keeps the old counter; it never goes back.
        if (n.relistRequests == null || n.relistRequests == 0) {
          n.relistRequests = o.relistRequests;
        } else if (o.relistRequests != null && n.relistRequests < o.relistRequests) {
          errors.invalid("spec.relistRequests", n.relistRequests, "must not decrease (was " + o.relistRequests + ")");
        }
      }
      case CLUSTER_SERVICE_CLASS, SERVICE_CLASS -> {
        String o = ((ServiceClassSpec) current.getSpec()).externalID;
        String n = ((ServiceClassSpec) incoming.getSpec()).externalID;
        if (n != null && !n.equals(o)) {
          errors.invalid("spec.externalID", n, "field is immutable");
        }
      }
      case CLUSTER_SERVICE_PLAN, SERVICE_PLAN -> {
        String o = ((ServicePlanSpec) current.getSpec()).externalID;
        String n = ((ServicePlanSpec) incoming.getSpec()).externalID;
        if (n != null && !n.equals(o)) {
          errors.invalid("spec.externalID", n, "field is immutable");
        }
      }
    }
  }

  private static void checkTypeMeta(ResourceKind kind, JsonNode node) {
    JsonNode apiVersion = node.get("apiVersion");
    if (apiVersion != null && !apiVersion.isNull()
        && !ServiceCatalog.API_VERSION.equals(apiVersion.asText())) {
      throw ApiException.badRequest("the API version in the data (" + apiVersion.asText()
          + ") does not match the expected API version (" + ServiceCatalog.API_VERSION + ")");
    }
    JsonNode k = node.get("kind");
    if (k != null && !k.isNull() && !kind.kind().equals(k.asText())) {
      throw ApiException.badRequest("the kind in the data (" + k.asText()
          + ") does not match the kind of the request path (" + kind.kind() + ")");
    }
  }

  private static CustomResource<?, ?> convert(ResourceKind kind, JsonNode node) {
    try {
      return Json.MAPPER.treeToValue(node, kind.type());
    } catch (JsonMappingException e) {
      String field = fieldPath(e);
      String name = node.at("/metadata/name").asText(null);
      FieldErrors errors = new FieldErrors();
      // The message names the JSON type expected, never a Java class (Jackson's text would).
      errors.invalid(field, null, "wrong type or shape: " + expected(e));
      errors.throwIfAny(kind.kind(), name);
      throw new IllegalStateException("unreachable");
    } catch (Exception e) {
      throw ApiException.badRequest("the object could not be read");
    }
  }

  /** What a field should have held, in JSON terms. */
  static String expected(JsonMappingException e) {
    Class<?> t = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m ? m.getTargetType() : null;
    if (t == null) {
      return "not the expected JSON type";
    }
    if (t == String.class || t.isEnum()) {
      return "expected a string";
    }
    if (t == Boolean.class || t == boolean.class) {
      return "expected a boolean";
    }
    if (t == Long.class || t == long.class || t == Integer.class || t == int.class || t == Short.class
        || t == java.math.BigInteger.class) {
      return "expected an integer";
    }
    if (Number.class.isAssignableFrom(t) || t.isPrimitive()) {
      return "expected a number";
    }
    if (java.util.Collection.class.isAssignableFrom(t) || t.isArray()) {
      return "expected an array";
    }
    if (java.time.temporal.Temporal.class.isAssignableFrom(t) || java.util.Date.class.isAssignableFrom(t)) {
      return "expected an RFC 3339 timestamp string";
    }
    return "expected an object";
  }

  private static String fieldPath(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "<root>" : sb.toString();
  }

  private static void broker(ObjectMeta meta, ServiceBrokerSpec spec, boolean namespaced, FieldErrors errors) {
    if (spec == null) {
      errors.required("spec", null);
      return;
    }
    if (spec.url == null || spec.url.isBlank()) {
      errors.required("spec.url", "the broker's base URL");
    } else {
      try {
        URI u = new URI(spec.url);
        if (!u.isAbsolute() || u.getHost() == null
            || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
          errors.invalid("spec.url", spec.url, "must be an absolute http or https URL");
        }
      } catch (Exception e) {
        errors.invalid("spec.url", spec.url, "must be an absolute http or https URL");
      }
    }
    if (Boolean.TRUE.equals(spec.insecureSkipTLSVerify) && spec.caBundle != null
        && !spec.caBundle.isEmpty()) {
      errors.forbidden("spec.caBundle", "caBundle cannot be used when insecureSkipTLSVerify is true");
    }
    if (spec.relistBehavior == null || spec.relistBehavior.isEmpty()) {
      spec.relistBehavior = ServiceBrokerSpec.RELIST_DURATION;
    }
    if (!List.of(ServiceBrokerSpec.RELIST_DURATION, ServiceBrokerSpec.RELIST_MANUAL)
        .contains(spec.relistBehavior)) {
      errors.notSupported("spec.relistBehavior", spec.relistBehavior,
          List.of(ServiceBrokerSpec.RELIST_DURATION, ServiceBrokerSpec.RELIST_MANUAL));
    } else if (ServiceBrokerSpec.RELIST_MANUAL.equals(spec.relistBehavior)
        && spec.relistDuration != null) {
      errors.forbidden("spec.relistDuration", "must not be set when relistBehavior is Manual");
    }
    if (spec.relistDuration != null && (!GO_DURATION.matcher(spec.relistDuration).matches()
        || spec.relistDuration.matches("^[0.]+[a-zµ]+$"))) {
      errors.invalid("spec.relistDuration", spec.relistDuration,
          "must be a positive duration such as 15m or 1h30m");
    }
    if (spec.relistRequests == null) {
      spec.relistRequests = 0L;
    } else if (spec.relistRequests < 0) {
      errors.invalid("spec.relistRequests", spec.relistRequests, "must not be negative");
    }
    ServiceBrokerAuthInfo auth = spec.authInfo;
    if (auth != null) {
      if ((auth.basic == null) == (auth.bearer == null)) {
        errors.invalid("spec.authInfo", null, "exactly one of basic or bearer must be set");
      }
      secretRef("spec.authInfo.basic.secretRef", auth.basic, meta, namespaced, errors);
      secretRef("spec.authInfo.bearer.secretRef", auth.bearer, meta, namespaced, errors);
    }
    catalogRestrictions(spec.catalogRestrictions, errors);
  }

  private static void secretRef(String field, ServiceBrokerAuthInfo.SecretAuth a, ObjectMeta meta,
      boolean namespaced, FieldErrors errors) {
    if (a == null) {
      return;
    }
    if (a.secretRef == null) {
      errors.required(field, null);
      return;
    }
    if (namespaced) {
      // A namespaced broker reads its Secret from its own namespace, nowhere else.
      if (a.secretRef.namespace != null && !a.secretRef.namespace.isEmpty()
          && !a.secretRef.namespace.equals(meta.getNamespace())) {
        errors.forbidden(field + ".namespace", "a ServiceBroker's auth Secret must be in its own namespace");
      }
    } else if (a.secretRef.namespace == null || a.secretRef.namespace.isEmpty()) {
      errors.required(field + ".namespace", null);
    }
    String p = Names.validateSubdomain(a.secretRef.name);
    if (p != null) {
      errors.invalid(field + ".name", a.secretRef.name, p);
    }
  }

  private static void serviceClass(ResourceKind kind, ServiceClassSpec spec, FieldErrors errors) {
    if (spec == null) {
      errors.required("spec", null);
      return;
    }
    if (kind == ResourceKind.CLUSTER_SERVICE_CLASS) {
      requireText("spec.clusterServiceBrokerName", spec.clusterServiceBrokerName, errors);
    } else {
      requireText("spec.serviceBrokerName", spec.serviceBrokerName, errors);
    }
    requireText("spec.externalName", spec.externalName, errors);
    requireText("spec.externalID", spec.externalID, errors);
    maxSize("spec.defaultProvisionParameters", spec.defaultProvisionParameters, errors);
  }

  private static void servicePlan(ResourceKind kind, ServicePlanSpec spec, FieldErrors errors) {
    if (spec == null) {
      errors.required("spec", null);
      return;
    }
    if (kind == ResourceKind.CLUSTER_SERVICE_PLAN) {
      requireText("spec.clusterServiceBrokerName", spec.clusterServiceBrokerName, errors);
      if (spec.clusterServiceClassRef == null || spec.clusterServiceClassRef.name == null) {
        errors.required("spec.clusterServiceClassRef.name", null);
      }
    } else {
      requireText("spec.serviceBrokerName", spec.serviceBrokerName, errors);
      if (spec.serviceClassRef == null || spec.serviceClassRef.name == null) {
        errors.required("spec.serviceClassRef.name", null);
      }
    }
    requireText("spec.externalName", spec.externalName, errors);
    requireText("spec.externalID", spec.externalID, errors);
    maxSize("spec.instanceCreateParameterSchema", spec.instanceCreateParameterSchema, errors);
    maxSize("spec.instanceUpdateParameterSchema", spec.instanceUpdateParameterSchema, errors);
    maxSize("spec.serviceBindingCreateParameterSchema", spec.serviceBindingCreateParameterSchema, errors);
    maxSize("spec.defaultProvisionParameters", spec.defaultProvisionParameters, errors);
  }

  private static final Pattern RESTRICTION = Pattern.compile(
      "^\\s*([A-Za-z][A-Za-z0-9.]*)\\s*(==|!=|=|\\s+in\\s+|\\s+notin\\s+)\\s*([^=!\\s].*?)\\s*$");
  private static final List<String> CLASS_PROPERTIES = List.of("name", "spec.externalName", "spec.externalID");
  private static final List<String> PLAN_PROPERTIES = List.of("name", "spec.externalName", "spec.externalID",
      "spec.clusterServiceClass.name", "spec.serviceClass.name", "spec.free");

  /** Syntax of catalogRestrictions: {@code <property><op><value>}, ops ==, !=, in (…), notin (…). */
  private static void catalogRestrictions(CatalogRestrictions r, FieldErrors errors) {
    if (r == null) {
      return;
    }
    restrictionList("spec.catalogRestrictions.serviceClass", r.serviceClass, CLASS_PROPERTIES, errors);
    restrictionList("spec.catalogRestrictions.servicePlan", r.servicePlan, PLAN_PROPERTIES, errors);
  }

  private static void restrictionList(String field, List<String> preds, List<String> allowed, FieldErrors errors) {
    if (preds == null) {
      return;
    }
    for (int k = 0; k < preds.size(); k++) {
      String p = preds.get(k);
      Matcher m = p == null ? null : RESTRICTION.matcher(p);
      if (m == null || !m.matches()) {
        errors.invalid(field + "[" + k + "]", p, "must be <property><operator><value> with operator ==, !=, in or notin");
        continue;
      }
      if (!allowed.contains(m.group(1))) {
        errors.notSupported(field + "[" + k + "]", m.group(1), allowed);
      }
      String op = m.group(2).trim();
      if ((op.equals("in") || op.equals("notin")) && !m.group(3).matches("^\\(.*\\)$")) {
        errors.invalid(field + "[" + k + "]", p, "a set after " + op + " is written as (a, b)");
      }
    }
  }

  private static void instance(ServiceInstance i, FieldErrors errors) {
    ServiceInstanceSpec s = i.getSpec();
    if (s == null) {
      errors.required("spec", "a plan reference such as spec.clusterServiceClassExternalName and spec.clusterServicePlanExternalName");
      return;
    }
    boolean cluster = Stream.of(s.clusterServiceClassExternalName, s.clusterServiceClassExternalID,
        s.clusterServiceClassName, s.clusterServicePlanExternalName, s.clusterServicePlanExternalID,
        s.clusterServicePlanName).anyMatch(Objects::nonNull);
    boolean namespaced = Stream.of(s.serviceClassExternalName, s.serviceClassExternalID,
        s.serviceClassName, s.servicePlanExternalName, s.servicePlanExternalID, s.servicePlanName)
        .anyMatch(Objects::nonNull);
    if (cluster && namespaced) {
      errors.forbidden("spec", "instances can only refer to a cluster or namespaced class or plan type, but not both");
    } else if (!cluster && !namespaced) {
      errors.required("spec.clusterServiceClassExternalName",
          "exactly one of clusterServiceClassExternalName, clusterServiceClassExternalID or clusterServiceClassName (or a namespaced serviceClass* field) must be set");
    } else if (cluster) {
      planStyle(errors, "clusterServiceClass", "clusterServicePlan",
          new String[] {s.clusterServiceClassExternalName, s.clusterServiceClassExternalID, s.clusterServiceClassName},
          new String[] {s.clusterServicePlanExternalName, s.clusterServicePlanExternalID, s.clusterServicePlanName});
    } else {
      planStyle(errors, "serviceClass", "servicePlan",
          new String[] {s.serviceClassExternalName, s.serviceClassExternalID, s.serviceClassName},
          new String[] {s.servicePlanExternalName, s.servicePlanExternalID, s.servicePlanName});
    }
    parameters("spec", s.parameters, s.parametersFrom, errors);
    if (s.externalID == null || s.externalID.isEmpty()) {
      s.externalID = UUID.randomUUID().toString();
    } else if (!s.externalID.matches("[A-Za-z0-9._~-]{1,255}")) {
      errors.invalid("spec.externalID", s.externalID, "must be 1-255 URL-safe characters (a UUID is recommended)");
    }
    if (s.updateRequests == null) {
      s.updateRequests = 0L;
    } else if (s.updateRequests < 0) {
      errors.invalid("spec.updateRequests", s.updateRequests, "must not be negative");
    }
  }

  /** One identification style for the class; the plan, when given, in the same style. */
  private static void planStyle(FieldErrors errors, String classPrefix, String planPrefix,
      String[] classFields, String[] planFields) {
    String[] suffix = {"ExternalName", "ExternalID", "Name"};
    int classCount = 0;
    int classStyle = -1;
    for (int k = 0; k < 3; k++) {
      if (classFields[k] != null) {
        classCount++;
        classStyle = k;
        if (classFields[k].isEmpty()) {
          errors.required("spec." + classPrefix + suffix[k], null);
        }
      }
    }
    if (classCount == 0) {
      errors.required("spec." + classPrefix + "ExternalName",
          "the class must be named by " + classPrefix + "ExternalName, " + classPrefix
              + "ExternalID or " + classPrefix + "Name");
    } else if (classCount > 1) {
      errors.forbidden("spec." + classPrefix + suffix[classStyle],
          "exactly one of " + classPrefix + "ExternalName, " + classPrefix + "ExternalID or "
              + classPrefix + "Name may be set");
    }
    for (int k = 0; k < 3; k++) {
      if (planFields[k] != null) {
        if (planFields[k].isEmpty()) {
          errors.required("spec." + planPrefix + suffix[k], null);
        } else if (classStyle >= 0 && k != classStyle) {
          errors.forbidden("spec." + planPrefix + suffix[k], "the plan must be named in the same way as the class ("
              + planPrefix + suffix[classStyle] + ")");
        }
      }
    }
  }

  private static void binding(ServiceBinding b, FieldErrors errors) {
    ServiceBindingSpec s = b.getSpec();
    if (s == null) {
      errors.required("spec", "spec.instanceRef.name names the instance to bind to");
      return;
    }
    if (s.instanceRef == null || s.instanceRef.name == null || s.instanceRef.name.isEmpty()) {
      errors.required("spec.instanceRef.name", "the instance to bind to, in the same namespace");
    } else {
      String p = Names.validateSubdomain(s.instanceRef.name);
      if (p != null) {
        errors.invalid("spec.instanceRef.name", s.instanceRef.name, p);
      }
    }
    if (s.secretName == null || s.secretName.isEmpty()) {
      s.secretName = b.getMetadata().getName();
    } else {
      String p = Names.validateSubdomain(s.secretName);
      if (p != null) {
        errors.invalid("spec.secretName", s.secretName, p);
      }
    }
    parameters("spec", s.parameters, s.parametersFrom, errors);
    if (s.secretTransforms != null) {
      for (int k = 0; k < s.secretTransforms.size(); k++) {
        SecretTransform t = s.secretTransforms.get(k);
        long set = t == null ? 0 : Stream.of(t.renameKey, t.addKey, t.addKeysFrom, t.removeKey)
            .filter(Objects::nonNull).count();
        if (set != 1) {
          errors.invalid("spec.secretTransforms[" + k + "]", null,
              "exactly one of renameKey, addKey, addKeysFrom or removeKey must be set");
        }
      }
    }
    if (s.externalID == null || s.externalID.isEmpty()) {
      s.externalID = UUID.randomUUID().toString();
    } else if (!s.externalID.matches("[A-Za-z0-9._~-]{1,255}")) {
      errors.invalid("spec.externalID", s.externalID, "must be 1-255 URL-safe characters (a UUID is recommended)");
    }
    if (s.rotationRequests == null) {
      s.rotationRequests = 0L;
    } else if (s.rotationRequests < 0) {
      errors.invalid("spec.rotationRequests", s.rotationRequests, "must not be negative");
    }
  }

  /** The OSB spec's bound on parameters and schemas: 64 kB each, serialized as JSON. */
  public static final int MAX_JSON_VALUE_BYTES = 64 * 1024;

  private static void maxSize(String field, JsonNode value, FieldErrors errors) {
    if (value == null || value.isNull()) {
      return;
    }
    int size;
    try {
      size = Json.MAPPER.writeValueAsBytes(value).length;
    } catch (Exception e) {
      size = Integer.MAX_VALUE;
    }
    if (size > MAX_JSON_VALUE_BYTES) {
      errors.add("FieldValueTooLong", field, "Too long: must be at most " + MAX_JSON_VALUE_BYTES
          + " bytes as JSON (the Open Service Broker API's bound), was " + size);
    }
  }

  private static void parameters(String prefix, JsonNode parameters, List<ParametersFromSource> from,
      FieldErrors errors) {
    if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
      errors.invalid(prefix + ".parameters", null, "must be an object of parameter names to values");
    }
    maxSize(prefix + ".parameters", parameters, errors);
    if (from != null) {
      for (int k = 0; k < from.size(); k++) {
        ParametersFromSource p = from.get(k);
        String f = prefix + ".parametersFrom[" + k + "].secretKeyRef";
        if (p == null || p.secretKeyRef == null) {
          errors.required(f, null);
        } else {
          requireText(f + ".name", p.secretKeyRef.name, errors);
          requireText(f + ".key", p.secretKeyRef.key, errors);
        }
      }
    }
  }

  private static void requireText(String field, String value, FieldErrors errors) {
    if (value == null || value.isBlank()) {
      errors.required(field, null);
    }
  }

  private static void addFinalizer(ObjectMeta meta) {
    List<String> f = meta.getFinalizers() == null ? new ArrayList<>() : new ArrayList<>(meta.getFinalizers());
    if (!f.contains(ServiceCatalog.FINALIZER)) {
      f.add(ServiceCatalog.FINALIZER);
    }
    meta.setFinalizers(f);
  }

  private static String randomSuffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < 5; k++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
