package io.servicecatalog.bench;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * When each Secret appears in one namespace, from a watch (the Fabric8 client's: the stand-in
 * serves watches the way the client asks for them). An arrival seen before anyone waits for it is
 * kept until it is waited for or forgotten.
 */
final class SecretArrivals implements AutoCloseable {
    private final Map<String, CompletableFuture<Void>> arrivals = new ConcurrentHashMap<>();
    private final Watch watch;

    SecretArrivals(KubernetesClient client, String namespace) {
        this.watch = client.secrets().inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Secret secret) {
                if (action == Action.ADDED || action == Action.MODIFIED) {
                    arrival(secret.getMetadata().getName()).complete(null);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                // the benchmark ends; a broken watch shows as a timed-out step
            }
        });
    }

    private CompletableFuture<Void> arrival(String name) {
        return arrivals.computeIfAbsent(name, n -> new CompletableFuture<>());
    }

    void await(String name, Duration timeout) throws Exception {
        try {
            arrival(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for Secret " + name);
        }
    }

    void forget(String name) {
        arrivals.remove(name);
    }

    @Override
    public void close() {
        watch.close();
    }
}
