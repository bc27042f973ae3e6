package io.servicecatalog.gateway.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.gateway.catalogapi.CatalogApi;
import io.servicecatalog.gateway.osb.OsbHeaders;
import io.servicecatalog.gateway.osb.OsbOutcome;
import io.servicecatalog.gateway.osb.OsbOutcomes;
import io.servicecatalog.gateway.osb.OsbPaths;
import io.servicecatalog.gateway.params.Parameters;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.gateway.store.OperationStore;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * FETCH_INSTANCE: {@code GET /v2/service_instances/:id} for instances of {@code
 * instances_retrievable} classes, every {@code servicecatalog.drift.interval}, compared with what
 * the platform knows: plan, dashboard URL, maintenance_info version and the parameters the
 * platform set (a parameter the broker added is not drift; one it lost or changed is). The result
 * names what differs, never a value. A failed check publishes nothing (the next interval tries
 * again; the call is in the metrics and the audit trail).
 *
 * <p>The same row kind (operation FETCH_INSTANCE, key {@code drift}) on a Ready ServiceBinding of
 * a {@code bindings_retrievable} class: {@code GET .../service_bindings/:id} (the current OSB
 * binding id), result kind ServiceBinding with {@code drift} = {@code binding} (404 at the
 * broker) or {@code parameters} (a parameter the platform set differs); the body holds
 * credentials and is never logged, stored or published.
 */
@Singleton
public class DriftHandler extends ConversationHandler {
  private static final Logger LOG = Logger.getLogger(DriftHandler.class);

  public static final String PLAN = "plan";
  public static final String PARAMETERS = "parameters";
  public static final String DASHBOARD_URL = "dashboardURL";
  public static final String MAINTENANCE_INFO = "maintenanceInfo";
  /** The broker does not know the instance (404). */
  public static final String INSTANCE = "instance";
  /** The broker does not know the binding (404; bindings_retrievable classes). */
  public static final String BINDING = "binding";

  private static final String BINDING_KIND = "ServiceBinding";

  private final CatalogApi catalogApi;
  private final Resolver resolver;
  private final OperationStore store;
  private final Parameters parameters;

  public DriftHandler(StepSupport support, CatalogApi catalogApi, Resolver resolver, OperationStore store, Parameters parameters) {
    super(support);
    this.catalogApi = catalogApi;
    this.resolver = resolver;
    this.store = store;
    this.parameters = parameters;
  }

  @Override
  public Set<Operation> operations() {
    return Set.of(Operation.FETCH_INSTANCE);
  }

  @Override
  String resourcePath(OperationRecord op) {
    return OsbPaths.instance(op.instanceId);
  }

  @Override
  String lastOperationPath(OperationRecord op) {
    return OsbPaths.instanceLastOperation(op.instanceId);
  }

  @Override
  String noun() {
    return "instance";
  }

  @Override
  public Uni<Step> step(OperationRecord op) {
    if (BINDING_KIND.equals(op.resourceKind)) {
      return stepBinding(op);
    }
    return catalogApi.instance(op.resourceNamespace, op.resourceName).flatMap(instance -> {
      if (instance == null || !Objects.equals(instance.getMetadata().getUid(), op.resourceUid)) {
        support.cancel(op, "the instance no longer exists");
        return Uni.createFrom().item(Step.of(op));
      }
      if (!Decisions.mayCheckDrift(instance)) {
        return done(op, "not checked: the instance is not provisioned, or being changed or deleted");
      }
      return Uni.combine().all()
          .unis(resolver.resolve(instance), store.lastSucceeded(op.resourceUid, Operation.PROVISION, Operation.UPDATE))
          .asTuple()
          .flatMap(t -> check(op, t.getItem1(), t.getItem2()));
    });
  }

  // --- bindings (bindings_retrievable) ---------------------------------------------------

  private Uni<Step> stepBinding(OperationRecord op) {
    return catalogApi.binding(op.resourceNamespace, op.resourceName).flatMap(binding -> {
      if (binding == null || !Objects.equals(binding.getMetadata().getUid(), op.resourceUid)) {
        support.cancel(op, "the binding no longer exists");
        return Uni.createFrom().item(Step.of(op));
      }
      if (!Decisions.mayCheckBindingDrift(binding)) {
        return done(op, "not checked: the binding is not ready, or being deleted");
      }
      return catalogApi.instance(op.resourceNamespace, binding.getSpec().instanceRef.name).flatMap(instance -> {
        if (instance == null || instance.getMetadata() == null || Decisions.deleting(instance.getMetadata().getDeletionTimestamp())) {
          return done(op, "not checked: the instance is gone or being deleted");
        }
        return Uni.combine().all()
            .unis(resolver.resolve(instance), store.lastSucceeded(op.resourceUid, Operation.BIND, Operation.ROTATE_BINDING),
                store.lastSucceeded(instance.getMetadata().getUid(), Operation.PROVISION, Operation.UPDATE))
            .asTuple()
            .flatMap(t -> checkBinding(op, binding, t.getItem1(), t.getItem2(), t.getItem3()));
      });
    });
  }

  private Uni<Step> checkBinding(OperationRecord op, ServiceBinding binding, Resolution res, OperationRecord bound,
      OperationRecord applied) {
    if (res.classSpec() == null || !Boolean.TRUE.equals(res.classSpec().bindingRetrievable)) {
      return done(op, "not checked: the class is not bindings_retrievable");
    }
    if (res.broker() == null) {
      return done(op, "not checked: the broker does not exist");
    }
    if (bound == null || bound.bindingId == null) {
      return done(op, "not checked: the binding was not bound by this gateway");
    }
    StepSupport.brokerInto(op, res.broker());
    op.instanceId = res.instance().getSpec().externalID;
    op.bindingId = bound.bindingId;
    op.serviceId = res.serviceId();
    op.planId = applied != null && applied.planId != null ? applied.planId : res.provisionedPlanId();
    op.attempts++;
    support.newRequest(op);
    Map<String, String> q = new LinkedHashMap<>();
    q.put(OsbHeaders.SERVICE_ID, op.serviceId);
    q.put(OsbHeaders.PLAN_ID, op.planId);
    return send(op, "GetBinding", "GET", OsbPaths.binding(op.instanceId, op.bindingId) + OsbPaths.query(q), null, null,
            r -> OsbOutcomes.fetchBoundBinding(op.brokerName, r), ConversationHandler::pollTransport)
        .flatMap(o -> {
          op.httpStatus = o.httpStatus();
          if (o.isError("NotFound")) {
            return report(op, List.of(BINDING),
                "The broker \"" + op.brokerName + "\" does not know the binding " + op.bindingId + " (HTTP 404)");
          }
          if (!o.is(OsbOutcome.Kind.DONE)) {
            LOG.infof("%s: binding drift check failed: %s", op.subject(), o.message());
            return done(op, "check failed: " + o.message());
          }
          JsonNode brokerParams = o.body() == null ? null : o.body().get("parameters");
          return parameters.build(binding.getMetadata().getNamespace(), binding.getSpec().parameters, binding.getSpec().parametersFrom)
              .onFailure().recoverWithNull()
              .flatMap(built -> {
                List<String> differing = differingParameters(brokerParams, built);
                if (differing.isEmpty()) {
                  return report(op, List.of(), "The binding at the broker matches the catalog");
                }
                return report(op, List.of(PARAMETERS),
                    "The binding at the broker differs from the catalog: parameters differ at the broker: " + String.join(", ", differing));
              });
        });
  }

  /** Names of the parameters the platform set that the broker lost or has otherwise (never values). */
  private static List<String> differingParameters(JsonNode brokerParams, Parameters.Built built) {
    List<String> differing = new ArrayList<>();
    if (brokerParams == null || !brokerParams.isObject() || built == null || built.parameters() == null) {
      return differing;
    }
    Iterator<Map.Entry<String, JsonNode>> it = built.parameters().fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode there = brokerParams.get(e.getKey());
      if (there == null || !there.equals(e.getValue())) {
        differing.add(e.getKey());
      }
    }
    return differing;
  }

  private Uni<Step> done(OperationRecord op, String message) {
    op.message = message;
    support.finish(op, OperationState.SUCCEEDED);
    return Uni.createFrom().item(Step.of(op));
  }

  private Uni<Step> check(OperationRecord op, Resolution res, OperationRecord applied) {
    if (res.serviceClass() == null || !res.instancesRetrievable()) {
      return done(op, "not checked: the class is not instances_retrievable");
    }
    if (res.broker() == null) {
      return done(op, "not checked: the broker does not exist");
    }
    ServiceInstance instance = res.instance();
    StepSupport.brokerInto(op, res.broker());
    op.instanceId = instance.getSpec().externalID;
    op.serviceId = res.serviceId();
    op.planId = applied != null && applied.planId != null ? applied.planId : res.provisionedPlanId();
    op.attempts++;
    support.newRequest(op);
    Map<String, String> q = new LinkedHashMap<>();
    q.put(OsbHeaders.SERVICE_ID, op.serviceId);
    q.put(OsbHeaders.PLAN_ID, op.planId);
    return send(op, "GetInstance", "GET", OsbPaths.instance(op.instanceId) + OsbPaths.query(q), null, null,
            r -> OsbOutcomes.fetchInstance(op.brokerName, r), ConversationHandler::pollTransport)
        .flatMap(o -> {
          op.httpStatus = o.httpStatus();
          if (o.isError("NotFound")) {
            return report(op, List.of(INSTANCE), "The broker \"" + op.brokerName + "\" does not know the instance (HTTP 404)");
          }
          if (!o.is(OsbOutcome.Kind.DONE)) {
            LOG.infof("%s: drift check failed: %s", op.subject(), o.message());
            return done(op, "check failed: " + o.message());
          }
          return parameters.build(instance.getMetadata().getNamespace(), instance.getSpec().parameters, instance.getSpec().parametersFrom)
              .onFailure().recoverWithNull()
              .flatMap(built -> compare(op, res, applied, o.body(), built));
        });
  }

  private Uni<Step> compare(OperationRecord op, Resolution res, OperationRecord applied, JsonNode body, Parameters.Built built) {
    List<String> drift = new ArrayList<>();
    List<String> details = new ArrayList<>();
    String brokerPlan = text(body, "plan_id");
    if (brokerPlan != null && !brokerPlan.equals(op.planId)) {
      drift.add(PLAN);
      details.add("plan is \"" + brokerPlan + "\" at the broker, \"" + op.planId + "\" in the catalog");
    }
    String dashboard = text(body, "dashboard_url");
    String known = res.instance().getStatus() != null && res.instance().getStatus().dashboardURL != null
        ? res.instance().getStatus().dashboardURL : applied == null ? null : applied.dashboardUrl;
    if (dashboard != null && known != null && !dashboard.equals(known)) {
      drift.add(DASHBOARD_URL);
      details.add("dashboard URL is \"" + dashboard + "\" at the broker");
    }
    String version = text(body.path("maintenance_info"), "version");
    String expectedVersion = applied == null ? null : applied.maintenanceVersion;
    if (version != null && expectedVersion != null && !version.equals(expectedVersion)) {
      drift.add(MAINTENANCE_INFO);
      details.add("maintenance_info version is \"" + version + "\" at the broker, \"" + expectedVersion + "\" was applied");
    }
    List<String> differing = differingParameters(body.get("parameters"), built);
    if (!differing.isEmpty()) {
      drift.add(PARAMETERS);
      details.add("parameters differ at the broker: " + String.join(", ", differing));
    }
    String message = drift.isEmpty()
        ? "The instance at the broker matches the catalog"
        : "The instance at the broker differs from the catalog: " + String.join("; ", details);
    return report(op, drift, message);
  }

  private Uni<Step> report(OperationRecord op, List<String> drift, String message) {
    OperationResult r = support.result(op, Outcome.SUCCEEDED, drift.isEmpty() ? Reasons.IN_SYNC_WITH_BROKER : Reasons.DRIFT_DETECTED,
        message);
    r.drift = drift;
    return support.publish(r).flatMap(v -> done(op, message));
  }

  /** A string field of the broker's body, made fit for a message (bounded, no control characters). */
  private static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v == null || !v.isTextual() ? null : io.servicecatalog.gateway.osb.OsbOutcomes.brokerText(v.asText());
  }
}
