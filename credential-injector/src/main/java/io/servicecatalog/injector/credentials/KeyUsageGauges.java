package io.servicecatalog.injector.credentials;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.servicecatalog.injector.store.EnvelopeStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * {@code servicecatalog_injector_envelopes_by_key{key_id}}: held envelopes per key they were
 * sealed with, for every key this injector holds, plus {@code key_id="other"} for envelopes naming
 * a key it does not hold (or none). During a key rotation a previous key may be dropped once its
 * count is 0 on every replica. Key ids are fingerprints, never key material.
 */
@ApplicationScoped
public class KeyUsageGauges {
  public static final String NAME = "servicecatalog.injector.envelopes.by.key";

  private final EnvelopeOpener opener;
  private final EnvelopeStore store;
  private final MeterRegistry registry;

  public KeyUsageGauges(EnvelopeOpener opener, EnvelopeStore store, MeterRegistry registry) {
    this.opener = opener;
    this.store = store;
    this.registry = registry;
  }

  void onStart(@Observes StartupEvent event) {
    List<String> held = opener.keyIds();
    for (String keyId : held) {
      Gauge.builder(NAME, () -> store.countSealedWith(keyId))
          .description("Envelopes held, by the credentials key they are sealed with")
          .tag("key_id", keyId)
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder(NAME, () -> store.size() - held.stream().mapToInt(store::countSealedWith).sum())
        .description("Envelopes held, by the credentials key they are sealed with")
        .tag("key_id", "other")
        .strongReference(true)
        .register(registry);
  }
}
