package io.servicecatalog.examples.mariadb.broker;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.servicecatalog.examples.mariadb.mariadb.BindingRecord;
import io.servicecatalog.examples.mariadb.mariadb.BrokerStore;
import io.servicecatalog.examples.mariadb.mariadb.InstanceRecord;
import io.servicecatalog.examples.mariadb.mariadb.InstanceState;
import io.servicecatalog.examples.mariadb.mariadb.MariaDb;
import io.servicecatalog.examples.mariadb.mariadb.MariaDbAdmin;
import io.servicecatalog.examples.mariadb.mariadb.Names;
import io.servicecatalog.examples.mariadb.osb.LastOperationResponse;
import io.servicecatalog.examples.mariadb.osb.LastOperationResponse.State;
import io.servicecatalog.examples.mariadb.osb.ProvisionRequest;

/** Provisioning, polling and deprovisioning of service instances (one database each). */
@ApplicationScoped
public class InstanceService {

    private static final Logger LOG = Logger.getLogger(InstanceService.class);

    public enum Outcome {
        /** 201: the database was created by this request. */
        CREATED,
        /** 200: an identical instance was already fully provisioned. */
        ALREADY_EXISTS,
        /** 202: provisioning runs in the background; poll last_operation. */
        ACCEPTED
    }

    public record ProvisionResult(Outcome outcome, String operation) {
    }

    private final MariaDb mariaDb;
    private final MariaDbAdmin admin;
    private final BrokerStore store;
    private final BrokerConfig config;
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "async-provisioner");
        thread.setDaemon(true);
        return thread;
    });

    InstanceService(MariaDb mariaDb, MariaDbAdmin admin, BrokerStore store, BrokerConfig config) {
        this.mariaDb = mariaDb;
        this.admin = admin;
        this.store = store;
        this.config = config;
    }

    @PreDestroy
    void stop() {
        background.shutdownNow();
    }

    public ProvisionResult provision(String instanceId, ProvisionRequest request, boolean acceptsIncomplete) {
        if (request == null) {
            throw BrokerException.badRequest("A JSON body with service_id and plan_id is required.");
        }
        requireCatalogIds(request.serviceId(), request.planId());
        String charset = Parameters.charset(request.parameters());
        boolean async = BrokerCatalog.isAsyncPlan(request.planId());
        if (async && !acceptsIncomplete) {
            throw BrokerException.asyncRequired(
                    "This Service Plan requires client support for asynchronous service operations.");
        }
        String parametersHash = Parameters.hash(request.parameters());
        String database = Names.databaseName(instanceId);

        return mariaDb.withLock(database, connection -> {
            if (charset != null && !admin.charsetExists(connection, charset)) {
                throw BrokerException.badRequest("MariaDB does not know the character set '" + charset + "'.");
            }
            Optional<InstanceRecord> existing = store.findInstance(connection, instanceId);
            if (existing.isPresent()) {
                InstanceRecord instance = existing.get();
                if (!instance.serviceId().equals(request.serviceId())
                        || !instance.planId().equals(request.planId())
                        || !instance.parametersHash().equals(parametersHash)) {
                    throw BrokerException.conflict("Service instance " + instanceId
                            + " already exists with a different service, plan or parameters.");
                }
                switch (instance.state()) {
                    case SUCCEEDED:
                        return new ProvisionResult(Outcome.ALREADY_EXISTS, null);
                    case IN_PROGRESS:
                        return new ProvisionResult(Outcome.ACCEPTED, instance.operation());
                    case FAILED:
                        // The platform is retrying a provision that failed: start afresh.
                        store.deleteInstance(connection, instanceId);
                        break;
                }
            }
            if (async) {
                String operation = "provision-" + UUID.randomUUID();
                long delayMillis = TimeUnit.SECONDS.toMillis(config.asyncProvisionSeconds());
                store.insertInstance(connection, new InstanceRecord(instanceId, request.serviceId(),
                        request.planId(), database, charset, InstanceState.IN_PROGRESS, operation,
                        "Creating database " + database + ".", parametersHash,
                        System.currentTimeMillis() + delayMillis));
                background.schedule(() -> finishInBackground(instanceId), delayMillis, TimeUnit.MILLISECONDS);
                LOG.infof("Accepted async provision of instance %s (database %s, operation %s)",
                        instanceId, database, operation);
                return new ProvisionResult(Outcome.ACCEPTED, operation);
            }
            admin.createDatabase(connection, database, charset);
            store.insertInstance(connection, new InstanceRecord(instanceId, request.serviceId(),
                    request.planId(), database, charset, InstanceState.SUCCEEDED, null,
                    "Database " + database + " is ready.", parametersHash, System.currentTimeMillis()));
            LOG.infof("Provisioned instance %s (database %s)", instanceId, database);
            return new ProvisionResult(Outcome.CREATED, null);
        });
    }

    /** Empty when the broker knows no such instance. */
    public Optional<LastOperationResponse> lastOperation(String instanceId, String operation) {
        Optional<InstanceRecord> found = mariaDb.withConnection(c -> store.findInstance(c, instanceId));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        InstanceRecord instance = found.get();
        if (operation != null && !operation.isEmpty() && !operation.equals(instance.operation())) {
            throw BrokerException.badRequest("Operation '" + operation
                    + "' is not the last operation of service instance " + instanceId + ".");
        }
        if (instance.state() == InstanceState.IN_PROGRESS && System.currentTimeMillis() >= instance.readyAtMillis()) {
            // Normally the background task has done this already; after a broker restart it is gone,
            // and the platform's poll is what drives the provision to its end.
            try {
                finish(instanceId);
                instance = mariaDb.withConnection(c -> store.findInstance(c, instanceId)).orElse(instance);
            } catch (RuntimeException e) {
                // Still "in progress" as far as the platform is concerned; its next poll retries.
                LOG.warnf("Could not finish provisioning instance %s yet: %s", instanceId, e.getMessage());
            }
        }
        State state = switch (instance.state()) {
            case IN_PROGRESS -> State.IN_PROGRESS;
            case SUCCEEDED -> State.SUCCEEDED;
            case FAILED -> State.FAILED;
        };
        return Optional.of(new LastOperationResponse(state, instance.description()));
    }

    /** False when there was no such instance (the platform then gets 410 Gone). */
    public boolean deprovision(String instanceId, String serviceId, String planId) {
        requirePresent(serviceId, "service_id");
        requirePresent(planId, "plan_id");
        String database = Names.databaseName(instanceId);
        return mariaDb.withLock(database, connection -> {
            Optional<InstanceRecord> instance = store.findInstance(connection, instanceId);
            // Even for an instance we do not know, remove what our naming scheme says would be its
            // database: that is what orphan mitigation after a half-finished provision needs.
            for (BindingRecord binding : store.bindingsOf(connection, instanceId)) {
                admin.dropUser(connection, binding.username());
            }
            for (String user : admin.usersGrantedOn(connection, database)) {
                admin.dropUser(connection, user);
            }
            admin.dropDatabase(connection, database);
            store.deleteBindingsOf(connection, instanceId);
            store.deleteInstance(connection, instanceId);
            if (instance.isPresent()) {
                LOG.infof("Deprovisioned instance %s (database %s dropped)", instanceId, database);
            }
            return instance.isPresent();
        });
    }

    private void finishInBackground(String instanceId) {
        try {
            finish(instanceId);
        } catch (RuntimeException e) {
            // Stays "in progress"; the next last_operation poll tries again.
            LOG.warnf("Could not finish provisioning instance %s yet: %s", instanceId, e.getMessage());
        }
    }

    /** Creates the database of an async instance once it is due; safe to call any number of times. */
    private void finish(String instanceId) {
        mariaDb.withLock(Names.databaseName(instanceId), connection -> {
            Optional<InstanceRecord> found = store.findInstance(connection, instanceId);
            if (found.isEmpty() || found.get().state() != InstanceState.IN_PROGRESS
                    || System.currentTimeMillis() < found.get().readyAtMillis()) {
                return null; // deprovisioned meanwhile, already finished, or not yet due
            }
            InstanceRecord instance = found.get();
            try {
                admin.createDatabase(connection, instance.databaseName(), instance.charset());
            } catch (SQLException e) {
                if (MariaDb.isConnectionFailure(e)) {
                    throw e;
                }
                markFailed(connection, instance, e);
                return null;
            }
            store.updateInstanceState(connection, instanceId, InstanceState.SUCCEEDED,
                    "Database " + instance.databaseName() + " is ready.");
            LOG.infof("Provisioned instance %s asynchronously (database %s)", instanceId, instance.databaseName());
            return null;
        });
    }

    private void markFailed(Connection connection, InstanceRecord instance, SQLException cause) throws SQLException {
        LOG.errorf("Async provision of instance %s failed: %s", instance.instanceId(), cause.getMessage());
        store.updateInstanceState(connection, instance.instanceId(), InstanceState.FAILED,
                "Could not create database " + instance.databaseName() + ": " + cause.getMessage());
    }

    static void requireCatalogIds(String serviceId, String planId) {
        requirePresent(serviceId, "service_id");
        requirePresent(planId, "plan_id");
        if (!BrokerCatalog.SERVICE_ID.equals(serviceId)) {
            throw BrokerException.badRequest("Unknown service_id '" + serviceId + "'.");
        }
        if (BrokerCatalog.plan(planId).isEmpty()) {
            throw BrokerException.badRequest("Unknown plan_id '" + planId + "' for service " + serviceId + ".");
        }
    }

    static void requirePresent(String value, String name) {
        if (value == null || value.isBlank()) {
            throw BrokerException.badRequest("Missing required field '" + name + "'.");
        }
    }
}
