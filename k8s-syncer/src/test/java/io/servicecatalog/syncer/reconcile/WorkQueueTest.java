package io.servicecatalog.syncer.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WorkQueueTest {

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void aKeyWaitingInTheQueueIsNotAddedTwice() throws Exception {
    try (WorkQueue<String> q = new WorkQueue<>(Duration.ofMillis(10), Duration.ofSeconds(1))) {
      q.add("a");
      q.add("a");
      q.add("b");
      assertEquals(2, q.size());
      assertEquals("a", q.take());
      assertEquals("b", q.take());
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void aKeyBeingProcessedIsHandedOutAgainOnlyAfterDone() throws Exception {
    try (WorkQueue<String> q = new WorkQueue<>(Duration.ofMillis(10), Duration.ofSeconds(1))) {
      q.add("a");
      String k = q.take();
      q.add("a"); // changed while being processed
      assertEquals(0, q.size(), "not given to a second worker meanwhile");
      q.done(k);
      assertEquals(1, q.size());
      assertEquals("a", q.take());
    }
  }

  @Test
  void failuresBackOffExponentiallyUpToTheCap() {
    try (WorkQueue<String> q = new WorkQueue<>(Duration.ofMillis(100), Duration.ofSeconds(1))) {
      assertEquals(Duration.ofMillis(100), q.backoff(1));
      assertEquals(Duration.ofMillis(200), q.backoff(2));
      assertEquals(Duration.ofMillis(800), q.backoff(4));
      assertEquals(Duration.ofSeconds(1), q.backoff(10));
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void rateLimitedKeysComeBackAfterTheirDelayAndForgetResets() throws Exception {
    try (WorkQueue<String> q = new WorkQueue<>(Duration.ofMillis(50), Duration.ofSeconds(1))) {
      long t0 = System.nanoTime();
      q.addRateLimited("a");
      assertEquals("a", q.take());
      assertEquals(1, q.failures("a"));
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(true, waited >= 40, "waited " + waited + " ms");
      q.forget("a");
      assertEquals(0, q.failures("a"));
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void closingReleasesWaitingWorkers() throws Exception {
    WorkQueue<String> q = new WorkQueue<>(Duration.ofMillis(10), Duration.ofSeconds(1));
    Thread closer =
        new Thread(
            () -> {
              try {
                Thread.sleep(100);
              } catch (InterruptedException ignored) {
                // test thread
              }
              q.close();
            });
    closer.start();
    assertNull(q.take());
  }
}
