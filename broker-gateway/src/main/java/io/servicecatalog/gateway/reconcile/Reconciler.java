package io.servicecatalog.gateway.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.gateway.catalogapi.CatalogApi;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.servicecatalog.gateway.store.NewOperation;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationStore;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBroker;
import io.servicecatalog.model.v1beta1.ServiceBrokerSpec;
import io.servicecatalog.model.v1beta1.ServiceBrokerStatus;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns the state of a resource into recorded operations (rows), nothing more: the OSB calls
 * are made by {@link OperationWorker} from the table. Recording is idempotent, so events seen
 * twice, out of band resyncs and replays change nothing that is already decided.
 */
@ApplicationScoped
public class Reconciler {
  private static final Logger LOG = Logger.getLogger(Reconciler.class);

  private final OperationStore store;
  private final CatalogApi catalogApi;
  private final OperationWorker worker;
  private final GatewayConfig config;

  public Reconciler(OperationStore store, CatalogApi catalogApi, OperationWorker worker, GatewayConfig config) {
    this.store = store;
    this.catalogApi = catalogApi;
    this.worker = worker;
    this.config = config;
  }

  public Uni<Void> onEvent(ResourceEvent event) {
    if (event == null || event.object() == null || event.object().isNull()) {
      return Uni.createFrom().voidItem();
    }
    if (event.type() == ResourceEvent.Type.DELETED) {
      // The object is gone from catalog-api: nothing left to ask of the broker. Rows still
      // active finish on their own (each step re-reads the resource before acting).
      return Uni.createFrom().voidItem();
    }
    Optional<ResourceKind> kind = ResourceKind.fromKind(event.kind());
    if (kind.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    JsonNode object = event.object();
    try {
      return switch (kind.get()) {
        case CLUSTER_SERVICE_BROKER -> broker(Json.MAPPER.treeToValue(object, ClusterServiceBroker.class));
        case SERVICE_BROKER -> broker(Json.MAPPER.treeToValue(object, ServiceBroker.class));
        case SERVICE_INSTANCE -> instance(Json.MAPPER.treeToValue(object, ServiceInstance.class));
        case SERVICE_BINDING -> binding(Json.MAPPER.treeToValue(object, ServiceBinding.class));
        default -> Uni.createFrom().voidItem();
      };
    } catch (Exception e) {
      LOG.warnf("Ignoring unreadable %s event %s for uid=%s: %s", event.kind(), event.eventId(), event.uid(), e.getMessage());
      return Uni.createFrom().voidItem();
    }
  }

  public Uni<Void> broker(CustomResource<ServiceBrokerSpec, ServiceBrokerStatus> b) {
    Optional<String> key = Decisions.catalogFetchKey(b, config.brokerRelistInterval(), Instant.now());
    if (key.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return ensure(op(b.getKind(), b.getMetadata(), Operation.FETCH_CATALOG, key.get(), null));
  }

  public Uni<Void> instance(ServiceInstance i) {
    List<Uni<Void>> work = new ArrayList<>();
    ObjectMeta m = i.getMetadata();
    String serial = Decisions.serialKey(m.getNamespace(), m.getName());
    if (Decisions.needsProvision(i)) {
      work.add(ensure(op(i.getKind(), m, Operation.PROVISION, OperationRecord.ONCE, serial)));
    }
    if (Decisions.needsUpdate(i)) {
      work.add(ensure(op(i.getKind(), m, Operation.UPDATE, Decisions.GENERATION_KEY_PREFIX + m.getGeneration(), serial)));
    }
    if (Decisions.needsDeprovision(i)) {
      work.add(ensure(op(i.getKind(), m, Operation.DEPROVISION, OperationRecord.ONCE, serial)));
    }
    if (!config.drift().interval().isZero() && Decisions.mayCheckDrift(i)) {
      // One row per instance, run again once the last check is older than the interval.
      NewOperation drift = new NewOperation(i.getKind(), m.getNamespace(), m.getName(), m.getUid(), m.getGeneration(),
          Operation.FETCH_INSTANCE, Decisions.DRIFT_KEY, serial, null, null)
          .rearmingWhenFinishedBefore(Instant.now().minus(config.drift().interval()));
      work.add(ensure(drift));
    }
    return all(work);
  }

  /** A binding whose instance must be looked up (event path). */
  public Uni<Void> binding(ServiceBinding b) {
    if (Decisions.needsUnbind(b)) {
      return unbind(b);
    }
    Uni<Void> rotation = ready(b);
    if (!Decisions.mayNeedBind(b)) {
      return rotation;
    }
    return catalogApi
        .instance(b.getMetadata().getNamespace(), b.getSpec().instanceRef.name)
        .flatMap(instance -> binding(b, instance));
  }

  /** A binding with its instance already known (resync path); instance may be null. */
  public Uni<Void> binding(ServiceBinding b, ServiceInstance instance) {
    if (Decisions.needsUnbind(b)) {
      return unbind(b);
    }
    if (Decisions.needsBind(b, instance)) {
      return ensure(op(b.getKind(), b.getMetadata(), Operation.BIND, OperationRecord.ONCE, bindingSerial(b)));
    }
    return ready(b);
  }

  /** What a bound binding may need: a rotation, and the periodic drift check (bindings_retrievable). */
  private Uni<Void> ready(ServiceBinding b) {
    List<Uni<Void>> work = new ArrayList<>();
    work.add(rotation(b));
    if (!config.drift().interval().isZero() && Decisions.mayCheckBindingDrift(b)) {
      // One row per binding, like an instance's; whether the class is bindings_retrievable is
      // decided when the row runs.
      ObjectMeta m = b.getMetadata();
      work.add(ensure(new NewOperation(b.getKind(), m.getNamespace(), m.getName(), m.getUid(), m.getGeneration(),
          Operation.FETCH_INSTANCE, Decisions.DRIFT_KEY, bindingSerial(b), null, null)
          .rearmingWhenFinishedBefore(Instant.now().minus(config.drift().interval()))));
    }
    return all(work);
  }

  private Uni<Void> unbind(ServiceBinding b) {
    return ensure(op(b.getKind(), b.getMetadata(), Operation.UNBIND, OperationRecord.ONCE, bindingSerial(b)));
  }

  private Uni<Void> rotation(ServiceBinding b) {
    return Decisions.rotationRequestKey(b)
        .map(key -> ensure(op(b.getKind(), b.getMetadata(), Operation.ROTATE_BINDING, key, bindingSerial(b))))
        .orElseGet(() -> Uni.createFrom().voidItem());
  }

  private static String bindingSerial(ServiceBinding b) {
    return Decisions.serialKey(b.getMetadata().getNamespace(),
        b.getSpec() == null || b.getSpec().instanceRef == null ? null : b.getSpec().instanceRef.name);
  }

  private static NewOperation op(String kind, ObjectMeta meta, Operation operation, String key, String serial) {
    return new NewOperation(kind, meta.getNamespace(), meta.getName(), meta.getUid(), meta.getGeneration(), operation, key, serial);
  }

  /** Records a decision taken elsewhere (a handler asking for a catalog refetch, say). */
  public Uni<Void> ensure(NewOperation n) {
    return store
        .ensure(n, config.retry().maxDuration())
        .invoke(
            recorded -> {
              if (recorded) {
                LOG.infof("Recorded %s (%s) for %s %s%s uid=%s generation=%s", n.operation(), n.opKey(), n.resourceKind(),
                    n.resourceNamespace() == null ? "" : n.resourceNamespace() + "/", n.resourceName(), n.resourceUid(),
                    n.generation());
                worker.kick();
              }
            })
        .replaceWithVoid();
  }

  private static Uni<Void> all(List<Uni<Void>> work) {
    if (work.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return Uni.join().all(work).andFailFast().replaceWithVoid();
  }
}
