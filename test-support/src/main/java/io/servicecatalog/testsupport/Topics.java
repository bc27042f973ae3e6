package io.servicecatalog.testsupport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The Kafka topics the product's services coordinate over, in one place for the launcher.
 * The names are catalog-model's contract constants. Topics are created up front
 * because the broker runs with {@code auto.create.topics.enable=false}: a typo in a topic name
 * should fail loudly instead of silently creating a one-partition topic nobody consumes.
 */
public final class Topics {

    public static final String RESOURCES = io.servicecatalog.model.events.Topics.RESOURCES;
    public static final String RESULTS = io.servicecatalog.model.events.Topics.RESULTS;
    public static final String CREDENTIALS = io.servicecatalog.model.events.Topics.CREDENTIALS;
    public static final String AUDIT = io.servicecatalog.model.events.Topics.AUDIT;

    /** One topic to create: name, partition count and topic-level configs. */
    public record Spec(String name, int partitions, Map<String, String> configs) {
        public Spec {
            configs = Map.copyOf(configs);
        }

        /** Replication factor is always 1: the local stack runs a single broker. */
        public NewTopic toNewTopic() {
            return new NewTopic(name, partitions, (short) 1).configs(configs);
        }
    }

    /**
     * All product topics. Credentials is compacted so the latest (encrypted) credential per key
     * survives retention; the others use the default delete policy.
     */
    public static final List<Spec> ALL = List.of(
            new Spec(RESOURCES, 6, Map.of()),
            new Spec(RESULTS, 6, Map.of()),
            new Spec(CREDENTIALS, 6, Map.of("cleanup.policy", "compact")),
            new Spec(AUDIT, 3, Map.of()));

    private Topics() {
    }

    /**
     * Creates the missing topics among {@code specs} on the cluster at {@code bootstrapServers}
     * and waits for completion. Topics that already exist are left untouched (so this also works
     * against an external Kafka that was set up before). Returns the names actually created.
     */
    public static Set<String> ensure(String bootstrapServers, Collection<Spec> specs) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Spec spec : specs) {
                if (!existing.contains(spec.name())) {
                    missing.add(spec.toNewTopic());
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
            return missing.stream().map(NewTopic::name).collect(Collectors.toUnmodifiableSet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create topics on " + bootstrapServers + ": " + e, e);
        }
    }
}
