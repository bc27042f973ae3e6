package io.servicecatalog.gateway.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
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
        case SERVICE_INSTANCE -> instance(Json.MAPPER.treeToValue(object, ServiceInstance.class));
        case SERVICE_BINDING -> binding(Json.MAPPER.treeToValue(object, ServiceBinding.class));
        default -> Uni.createFrom().voidItem();
      };
    } catch (Exception e) {
      LOG.warnf("Ignoring unreadable %s event %s for uid=%s: %s", event.kind(), event.eventId(), event.uid(), e.getMessage());
      return Uni.createFrom().voidItem();
    }
  }

  public Uni<Void> broker(ClusterServiceBroker b) {
    Optional<String> key = Decisions.catalogFetchKey(b, config.brokerRelistInterval(), Instant.now());
    if (key.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return ensure(b.getKind(), b.getMetadata(), Operation.FETCH_CATALOG, key.get());
  }

  public Uni<Void> instance(ServiceInstance i) {
    List<Uni<Void>> work = new ArrayList<>();
    if (Decisions.needsProvision(i)) {
      work.add(ensure(i.getKind(), i.getMetadata(), Operation.PROVISION, OperationRecord.ONCE));
    }
    if (Decisions.needsDeprovision(i)) {
      work.add(ensure(i.getKind(), i.getMetadata(), Operation.DEPROVISION, OperationRecord.ONCE));
    }
    return all(work);
  }

  /** A binding whose instance must be looked up (event path). */
  public Uni<Void> binding(ServiceBinding b) {
    if (Decisions.needsUnbind(b)) {
      return ensure(b.getKind(), b.getMetadata(), Operation.UNBIND, OperationRecord.ONCE);
    }
    if (!Decisions.mayNeedBind(b)) {
      return Uni.createFrom().voidItem();
    }
    return catalogApi
        .instance(b.getMetadata().getNamespace(), b.getSpec().instanceRef.name)
        .flatMap(instance -> binding(b, instance));
  }

  /** A binding with its instance already known (resync path); instance may be null. */
  public Uni<Void> binding(ServiceBinding b, ServiceInstance instance) {
    if (Decisions.needsUnbind(b)) {
      return ensure(b.getKind(), b.getMetadata(), Operation.UNBIND, OperationRecord.ONCE);
    }
    if (Decisions.needsBind(b, instance)) {
      return ensure(b.getKind(), b.getMetadata(), Operation.BIND, OperationRecord.ONCE);
    }
    return Uni.createFrom().voidItem();
  }

  private Uni<Void> ensure(String kind, ObjectMeta meta, Operation operation, String key) {
    NewOperation n =
        new NewOperation(kind, meta.getNamespace(), meta.getName(), meta.getUid(), meta.getGeneration(), operation, key);
    return store
        .ensure(n, config.retry().maxDuration())
        .invoke(
            recorded -> {
              if (recorded) {
                LOG.infof("Recorded %s (%s) for %s %s%s uid=%s generation=%s", operation, key, kind,
                    meta.getNamespace() == null ? "" : meta.getNamespace() + "/", meta.getName(), meta.getUid(), meta.getGeneration());
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
