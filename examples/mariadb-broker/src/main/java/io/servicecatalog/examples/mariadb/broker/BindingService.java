package io.servicecatalog.examples.mariadb.broker;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.servicecatalog.examples.mariadb.mariadb.BindingRecord;
import io.servicecatalog.examples.mariadb.mariadb.BrokerStore;
import io.servicecatalog.examples.mariadb.mariadb.InstanceRecord;
import io.servicecatalog.examples.mariadb.mariadb.MariaDb;
import io.servicecatalog.examples.mariadb.mariadb.MariaDbAdmin;
import io.servicecatalog.examples.mariadb.mariadb.Names;
import io.servicecatalog.examples.mariadb.mariadb.Passwords;
import io.servicecatalog.examples.mariadb.osb.BindRequest;
import io.servicecatalog.examples.mariadb.osb.BindResponse;
import io.servicecatalog.examples.mariadb.osb.BindResponse.Credentials;
import io.servicecatalog.examples.mariadb.osb.BindResponse.Endpoint;

/** Bindings: one MariaDB user per binding, with all privileges on the instance's database only. */
@ApplicationScoped
public class BindingService {

    private static final Logger LOG = Logger.getLogger(BindingService.class);

    /** @param created true for 201 (new binding), false for 200 (existing binding, new password) */
    public record BindResult(boolean created, BindResponse response) {
    }

    private final MariaDb mariaDb;
    private final MariaDbAdmin admin;
    private final BrokerStore store;
    private final BrokerConfig config;

    BindingService(MariaDb mariaDb, MariaDbAdmin admin, BrokerStore store, BrokerConfig config) {
        this.mariaDb = mariaDb;
        this.admin = admin;
        this.store = store;
        this.config = config;
    }

    public BindResult bind(String instanceId, String bindingId, BindRequest request) {
        if (request == null) {
            throw BrokerException.badRequest("A JSON body with service_id and plan_id is required.");
        }
        InstanceService.requireCatalogIds(request.serviceId(), request.planId());
        Parameters.requireNone(request.parameters(), "binding");
        String user = Names.userName(bindingId);

        // Bindings take the instance's lock, so they never race its deprovisioning.
        return mariaDb.withLock(Names.databaseName(instanceId), connection -> {
            InstanceRecord instance = store.findInstance(connection, instanceId).orElseThrow(
                    () -> BrokerException.notFound("Service instance " + instanceId + " does not exist."));
            switch (instance.state()) {
                case IN_PROGRESS:
                    throw BrokerException.concurrency(
                            "Service instance " + instanceId + " is still being provisioned.");
                case FAILED:
                    throw BrokerException.badRequest("Service instance " + instanceId
                            + " failed to provision and cannot be bound; deprovision it.");
                case SUCCEEDED:
                    break;
            }
            if (!instance.serviceId().equals(request.serviceId()) || !instance.planId().equals(request.planId())) {
                throw BrokerException.badRequest("service_id and plan_id do not match service instance "
                        + instanceId + ".");
            }
            Optional<BindingRecord> existing = store.findBinding(connection, bindingId);
            if (existing.isPresent() && !existing.get().instanceId().equals(instanceId)) {
                throw BrokerException.conflict("Binding " + bindingId + " already exists for another service instance.");
            }

            // A repeated bind is a platform that lost our answer: the old password is gone for good
            // (never stored), so issue a new one for the same user.
            String password = Passwords.generate();
            admin.upsertUser(connection, user, password, instance.databaseName());
            if (existing.isEmpty()) {
                store.insertBinding(connection, new BindingRecord(bindingId, instanceId,
                        request.serviceId(), request.planId(), user));
                LOG.infof("Bound %s to instance %s (user %s)", bindingId, instanceId, user);
            } else {
                LOG.infof("Re-bound %s to instance %s: new password for user %s", bindingId, instanceId, user);
            }
            return new BindResult(existing.isEmpty(), credentials(instance.databaseName(), user, password));
        });
    }

    /** False when the binding does not exist (the platform then gets 410 Gone). */
    public boolean unbind(String instanceId, String bindingId, String serviceId, String planId) {
        InstanceService.requirePresent(serviceId, "service_id");
        InstanceService.requirePresent(planId, "plan_id");
        return mariaDb.withLock(Names.databaseName(instanceId), connection -> {
            Optional<BindingRecord> binding = store.findBinding(connection, bindingId);
            if (binding.isEmpty() || !binding.get().instanceId().equals(instanceId)) {
                return false;
            }
            admin.dropUser(connection, binding.get().username());
            store.deleteBinding(connection, bindingId);
            LOG.infof("Unbound %s from instance %s (user %s dropped)", bindingId, instanceId,
                    binding.get().username());
            return true;
        });
    }

    private BindResponse credentials(String database, String user, String password) {
        String host = config.publicHost();
        int port = config.publicPort();
        String hostInUrl = host.contains(":") ? "[" + host + "]" : host; // IPv6 literal
        String address = hostInUrl + ":" + port + "/" + database;
        Credentials credentials = new Credentials(host, port, database, user, password,
                "mysql://" + user + ":" + password + "@" + address,
                "jdbc:mariadb://" + address);
        return new BindResponse(credentials, List.of(new Endpoint(host, List.of(String.valueOf(port)), "tcp")));
    }
}
