package io.servicecatalog.gateway.osb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BulkheadTest {

  @Test
  void atMostTheLimitRunAndEveryoneGetsATurn() {
    OsbClient.Bulkhead bulkhead = new OsbClient.Bulkhead(2);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    List<Uni<Integer>> all = new ArrayList<>();
    for (int k = 0; k < 6; k++) {
      int n = k;
      all.add(bulkhead.run(() -> Uni.createFrom().item(n)
          .invoke(() -> max.accumulateAndGet(running.incrementAndGet(), Math::max))
          .onItem().delayIt().by(Duration.ofMillis(50))
          .invoke(running::decrementAndGet)));
    }
    List<?> results = Uni.join().all(all).andFailFast().await().atMost(Duration.ofSeconds(5));
    assertEquals(6, results.size());
    assertTrue(max.get() <= 2, "max " + max.get());
    assertEquals(0, bulkhead.load());
  }

  @Test
  void aFailureFreesTheSlot() {
    OsbClient.Bulkhead bulkhead = new OsbClient.Bulkhead(1);
    Uni<Object> failing = bulkhead.run(() -> Uni.createFrom().failure(new IllegalStateException("boom")));
    assertEquals("boom", failing.onFailure().recoverWithItem(Throwable::getMessage).await().atMost(Duration.ofSeconds(2)));
    assertEquals("ok", bulkhead.run(() -> Uni.createFrom().item("ok")).await().atMost(Duration.ofSeconds(2)));
  }
}
