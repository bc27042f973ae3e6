package io.servicecatalog.api.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.servicecatalog.api.store.ResourceEntity;
import io.servicecatalog.api.store.ResourceStore;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.Names;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.v1beta1.ClusterObjectReference;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.v1beta1.LocalObjectReference;
import io.servicecatalog.model.v1beta1.ServiceClass;
import io.servicecatalog.model.v1beta1.ServicePlan;
import io.servicecatalog.model.v1beta1.ClusterServiceClass;
import io.servicecatalog.model.v1beta1.ClusterServicePlan;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.model.v1beta1.ServiceClassSpec;
import io.servicecatalog.model.v1beta1.ServiceClassStatus;
import io.servicecatalog.model.v1beta1.ServicePlanSpec;
import io.servicecatalog.model.v1beta1.ServicePlanStatus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a broker's OSB catalog into ClusterServiceClasses and ClusterServicePlans. Objects are
 * identified by OSB id, and only those whose content changed are written, so a relist of an
 * unchanged catalog produces no events.
 */
@ApplicationScoped
public class CatalogImporter {

  @Inject ResourceStore store;

  /** Thrown for a catalog the platform cannot accept; the broker's condition carries the text. */
  public static class InvalidCatalogException extends RuntimeException {
    InvalidCatalogException(String message) {
      super(message, null, false, false);
    }
  }

  public record Summary(int classes, int plans, int written, int removed) {}

  /** Where a broker's offerings live: cluster-wide, or in a namespaced broker's namespace. */
  record Scope(boolean namespaced, String namespace) {
    ResourceKind classKind() {
      return namespaced ? ResourceKind.SERVICE_CLASS : ResourceKind.CLUSTER_SERVICE_CLASS;
    }

    ResourceKind planKind() {
      return namespaced ? ResourceKind.SERVICE_PLAN : ResourceKind.CLUSTER_SERVICE_PLAN;
    }
  }

  public Uni<Summary> importCatalog(CustomResource<?, ?> broker, JsonNode catalog) {
    String brokerName = broker.getMetadata().getName();
    Scope scope = new Scope(broker instanceof io.servicecatalog.model.v1beta1.ServiceBroker,
        broker.getMetadata().getNamespace());
    List<CustomResource<ServiceClassSpec, ServiceClassStatus>> classes = new ArrayList<>();
    List<CustomResource<ServicePlanSpec, ServicePlanStatus>> plans = new ArrayList<>();
    try {
      convert(broker, scope, catalog, classes, plans);
    } catch (InvalidCatalogException e) {
      return Uni.createFrom().failure(e);
    }
    Uni<List<ResourceEntity>> existingClasses = store.list(scope.classKind(), scope.namespace());
    Uni<List<ResourceEntity>> existingPlans =
        store.listOwnedBy(scope.planKind(), scope.namespace(), brokerName);
    return existingClasses.flatMap(ec -> existingPlans.flatMap(ep -> {
      Map<String, ResourceEntity> classByName = new HashMap<>();
      for (ResourceEntity e : ec) {
        classByName.put(e.name, e);
      }
      for (CustomResource<ServiceClassSpec, ServiceClassStatus> c : classes) {
        ResourceEntity clash = classByName.get(c.getMetadata().getName());
        if (clash != null && !brokerName.equals(clash.ownerName)) {
          return Uni.createFrom().<Summary>failure(new InvalidCatalogException(
              "service offering \"" + c.getSpec().externalName + "\" (id " + c.getSpec().externalID
                  + ") is already offered by broker \"" + clash.ownerName + "\""));
        }
      }
      Map<String, ResourceEntity> planByName = new HashMap<>();
      for (ResourceEntity e : ep) {
        planByName.put(e.name, e);
      }
      int[] written = {0};
      int[] removed = {0};
      List<Uni<Void>> writes = new ArrayList<>();
      Set<String> seenClasses = new HashSet<>();
      for (var c : classes) {
        seenClasses.add(c.getMetadata().getName());
        writes.add(upsert(scope.classKind(), classByName.get(c.getMetadata().getName()), c, written));
      }
      Set<String> seenPlans = new HashSet<>();
      for (var p : plans) {
        seenPlans.add(p.getMetadata().getName());
        writes.add(upsert(scope.planKind(), planByName.get(p.getMetadata().getName()), p, written));
      }
      for (ResourceEntity e : ec) {
        if (brokerName.equals(e.ownerName) && !seenClasses.contains(e.name)) {
          writes.add(markRemoved(scope.classKind(), e, removed));
        }
      }
      for (ResourceEntity e : ep) {
        if (!seenPlans.contains(e.name)) {
          writes.add(markRemoved(scope.planKind(), e, removed));
        }
      }
      // One session: run the writes one after another, never concurrently.
      return Multi.createFrom().iterable(writes)
          .onItem().transformToUniAndConcatenate(u -> u)
          .collect().last()
          .map(x -> new Summary(classes.size(), plans.size(), written[0], removed[0]));
    }));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Uni<Void> upsert(ResourceKind kind, ResourceEntity existing, CustomResource desired, int[] written) {
    String owner = ownerOf(desired);
    if (existing == null) {
      written[0]++;
      return store.create(desired, owner).replaceWithVoid();
    }
    CustomResource current = store.read(existing, kind.type());
    if (sameContent(current.getSpec(), desired.getSpec())
        && sameContent(current.getStatus(), desired.getStatus())) {
      return Uni.createFrom().voidItem();
    }
    current.setSpec(desired.getSpec());
    current.setStatus(desired.getStatus());
    current.getMetadata().setGeneration(current.getMetadata().getGeneration() + 1);
    written[0]++;
    return store.update(existing, current).replaceWithVoid();
  }

  private static String ownerOf(CustomResource<?, ?> o) {
    if (o.getSpec() instanceof ServiceClassSpec cs) {
      return cs.clusterServiceBrokerName != null ? cs.clusterServiceBrokerName : cs.serviceBrokerName;
    }
    ServicePlanSpec ps = (ServicePlanSpec) o.getSpec();
    return ps.clusterServiceBrokerName != null ? ps.clusterServiceBrokerName : ps.serviceBrokerName;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Uni<Void> markRemoved(ResourceKind kind, ResourceEntity e, int[] removed) {
    CustomResource o = store.read(e, kind.type());
    if (kind.isServiceClass()) {
      ServiceClassStatus st = (ServiceClassStatus) o.getStatus();
      if (st != null && Boolean.TRUE.equals(st.removedFromBrokerCatalog)) {
        return Uni.createFrom().voidItem();
      }
      ServiceClassStatus next = new ServiceClassStatus();
      next.removedFromBrokerCatalog = true;
      o.setStatus(next);
    } else {
      ServicePlanStatus st = (ServicePlanStatus) o.getStatus();
      if (st != null && Boolean.TRUE.equals(st.removedFromBrokerCatalog)) {
        return Uni.createFrom().voidItem();
      }
      ServicePlanStatus next = new ServicePlanStatus();
      next.removedFromBrokerCatalog = true;
      o.setStatus(next);
    }
    removed[0]++;
    return store.update(e, o).replaceWithVoid();
  }

  private static boolean sameContent(Object a, Object b) {
    return Objects.equals(Json.MAPPER.valueToTree(a), Json.MAPPER.valueToTree(b));
  }

  /** OSB catalog JSON → desired objects; ids are the identity, names derive from them. */
  static void convert(CustomResource<?, ?> broker, Scope scope, JsonNode catalog,
      List<CustomResource<ServiceClassSpec, ServiceClassStatus>> classes,
      List<CustomResource<ServicePlanSpec, ServicePlanStatus>> plans) {
    JsonNode services = catalog == null ? null : catalog.get("services");
    if (services == null || !services.isArray()) {
      throw new InvalidCatalogException("the catalog has no \"services\" array");
    }
    String brokerName = broker.getMetadata().getName();
    Set<String> names = new HashSet<>();
    for (JsonNode svc : services) {
      String id = text(svc, "id");
      String name = text(svc, "name");
      if (id == null || name == null) {
        throw new InvalidCatalogException("a service offering lacks \"id\" or \"name\"");
      }
      if (!names.add(name)) {
        throw new InvalidCatalogException("service offering name \"" + name + "\" appears twice");
      }
      JsonNode svcPlans = svc.get("plans");
      if (svcPlans == null || !svcPlans.isArray() || svcPlans.isEmpty()) {
        throw new InvalidCatalogException("service offering \"" + name + "\" must have at least one plan");
      }
      CustomResource<ServiceClassSpec, ServiceClassStatus> c = scope.namespaced()
          ? new ServiceClass() : new ClusterServiceClass();
      c.setMetadata(meta(Names.escapedName(id), broker));
      ServiceClassSpec cs = new ServiceClassSpec();
      if (scope.namespaced()) {
        cs.serviceBrokerName = brokerName;
      } else {
        cs.clusterServiceBrokerName = brokerName;
      }
      cs.externalName = name;
      cs.externalID = id;
      cs.description = text(svc, "description");
      cs.bindable = bool(svc, "bindable");
      cs.planUpdatable = bool(svc, "plan_updateable");
      cs.bindingRetrievable = bool(svc, "bindings_retrievable");
      cs.instancesRetrievable = bool(svc, "instances_retrievable");
      cs.externalMetadata = svc.get("metadata");
      cs.tags = strings(svc.get("tags"));
      cs.requires = strings(svc.get("requires"));
      c.setSpec(cs);
      c.setStatus(new ServiceClassStatus());
      c.getStatus().removedFromBrokerCatalog = false;
      classes.add(c);

      Set<String> planNames = new HashSet<>();
      for (JsonNode plan : svcPlans) {
        String pid = text(plan, "id");
        String pname = text(plan, "name");
        if (pid == null || pname == null) {
          throw new InvalidCatalogException("a plan of \"" + name + "\" lacks \"id\" or \"name\"");
        }
        if (!planNames.add(pname)) {
          throw new InvalidCatalogException("plan name \"" + pname + "\" appears twice in \"" + name + "\"");
        }
        CustomResource<ServicePlanSpec, ServicePlanStatus> p = scope.namespaced()
            ? new ServicePlan() : new ClusterServicePlan();
        p.setMetadata(meta(Names.escapedName(pid), broker));
        ServicePlanSpec ps = new ServicePlanSpec();
        if (scope.namespaced()) {
          ps.serviceBrokerName = brokerName;
        } else {
          ps.clusterServiceBrokerName = brokerName;
        }
        ps.externalName = pname;
        ps.externalID = pid;
        ps.description = text(plan, "description");
        ps.bindable = bool(plan, "bindable");
        // OSB: free defaults to true (the original defaulted it to false).
        ps.free = plan.has("free") ? plan.get("free").asBoolean() : Boolean.TRUE;
        ps.planUpdatable = bool(plan, "plan_updateable");
        ps.maximumPollingDuration = plan.hasNonNull("maximum_polling_duration")
            ? plan.get("maximum_polling_duration").asLong() : null;
        ps.maintenanceInfo = plan.get("maintenance_info");
        ps.bindingRotatable = bool(plan, "binding_rotatable");
        ps.externalMetadata = plan.get("metadata");
        JsonNode schemas = plan.get("schemas");
        if (schemas != null) {
          ps.instanceCreateParameterSchema = nonMissing(schemas.at("/service_instance/create/parameters"));
          ps.instanceUpdateParameterSchema = nonMissing(schemas.at("/service_instance/update/parameters"));
          ps.serviceBindingCreateParameterSchema = nonMissing(schemas.at("/service_binding/create/parameters"));
        }
        if (scope.namespaced()) {
          ps.serviceClassRef = new LocalObjectReference(c.getMetadata().getName());
        } else {
          ps.clusterServiceClassRef = new ClusterObjectReference(c.getMetadata().getName());
        }
        p.setSpec(ps);
        p.setStatus(new ServicePlanStatus());
        p.getStatus().removedFromBrokerCatalog = false;
        plans.add(p);
      }
    }
  }

  private static ObjectMeta meta(String name, CustomResource<?, ?> broker) {
    ObjectMeta m = new ObjectMeta();
    m.setName(name);
    m.setNamespace(broker.getMetadata().getNamespace());
    m.setUid(UUID.randomUUID().toString());
    m.setGeneration(1L);
    m.setCreationTimestamp(Times.now());
    OwnerReference owner = new OwnerReferenceBuilder()
        .withApiVersion(ServiceCatalog.API_VERSION)
        .withKind(broker.getKind())
        .withName(broker.getMetadata().getName())
        .withUid(broker.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(false)
        .build();
    m.setOwnerReferences(List.of(owner));
    return m;
  }

  private static JsonNode nonMissing(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull() ? null : n;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
  }

  private static Boolean bool(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asBoolean();
  }

  private static List<String> strings(JsonNode arr) {
    if (arr == null || !arr.isArray()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    arr.forEach(x -> out.add(x.asText()));
    return out;
  }
}
