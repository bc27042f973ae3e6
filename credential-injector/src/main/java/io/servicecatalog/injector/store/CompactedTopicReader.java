package io.servicecatalog.injector.store;

import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.CredentialsEnvelope;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads {@code servicecatalog.credentials} from the beginning into an {@link EnvelopeStore} with
 * a consumer that belongs to no group (it assigns itself every partition and commits nothing, so
 * it never takes work from the injector's own consumer group), then keeps following it. The topic
 * is compacted: from the beginning it holds at least the latest envelope of every binding that
 * has not been tombstoned. The store counts as rebuilt once the reader has reached the end
 * offsets it found when it started.
 *
 * <p>Record values are never logged, only their coordinates.
 */
public final class CompactedTopicReader implements Runnable, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CompactedTopicReader.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY = Duration.ofSeconds(2);

  private final Map<String, Object> kafkaConfig;
  private final String topic;
  private final EnvelopeStore store;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, String> consumer;
  private volatile Thread thread;

  /**
   * @param kafkaConfig client settings (bootstrap servers, security); group, offsets and
   *     deserializers are set here
   */
  public CompactedTopicReader(Map<String, Object> kafkaConfig, String topic, EnvelopeStore store) {
    Map<String, Object> c = new HashMap<>(kafkaConfig);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.remove("group.instance.id");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "credential-injector-envelope-store");
    this.kafkaConfig = c;
    this.topic = topic;
    this.store = store;
  }

  /** Runs {@link #run()} on a daemon thread of its own. */
  public CompactedTopicReader start() {
    Thread t = new Thread(this, "credentials-store-reader");
    t.setDaemon(true);
    thread = t;
    t.start();
    return this;
  }

  /** Whether everything that was on the topic when reading started has been read. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isCaughtUp() {
    return caughtUp.getCount() == 0;
  }

  @Override
  public void run() {
    while (running) {
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(kafkaConfig)) {
        consumer = c;
        if (!running) {
          return;
        }
        follow(c);
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        // Class only: client exceptions could quote configuration.
        LOG.warnf("reading %s failed (%s); starting over in %s", topic, e.getClass().getName(), RETRY);
        sleep(RETRY);
      } finally {
        consumer = null;
      }
    }
  }

  private void follow(KafkaConsumer<String, String> c) {
    List<TopicPartition> partitions = List.of();
    while (running && partitions.isEmpty()) {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
      partitions =
          infos == null
              ? List.of()
              : infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      if (partitions.isEmpty()) {
        LOG.warnf("topic %s not found yet; retrying in %s", topic, RETRY);
        sleep(RETRY);
      }
    }
    c.assign(partitions);
    c.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = c.endOffsets(partitions);
    long started = System.nanoTime();
    long records = 0;
    boolean reported = isCaughtUp();
    while (running) {
      for (ConsumerRecord<String, String> r : c.poll(POLL)) {
        records++;
        apply(r);
      }
      if (!reported && reached(c, end)) {
        reported = true;
        LOG.infof("read %d records of %s (%d partitions) in %d ms: %d bindings' envelopes held",
            records, topic, partitions.size(), (System.nanoTime() - started) / 1_000_000,
            store.size());
        store.markRebuilt();
        caughtUp.countDown();
      }
    }
  }

  private static boolean reached(KafkaConsumer<String, String> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void apply(ConsumerRecord<String, String> r) {
    String uid = r.key();
    if (r.value() == null) {
      if (uid != null) {
        store.tombstone(uid, r.partition(), r.offset());
      }
      return;
    }
    CredentialsEnvelope envelope;
    try {
      envelope = Json.MAPPER.readValue(r.value(), CredentialsEnvelope.class);
    } catch (Exception e) {
      LOG.debugf("%s-%d@%d is not a CredentialsEnvelope; skipped", r.topic(), r.partition(), r.offset());
      return;
    }
    if (envelope == null || envelope.bindingUid() == null || envelope.bindingUid().isBlank()) {
      return;
    }
    store.offer(new StoredEnvelope(envelope, r.partition(), r.offset(), r.timestamp()));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<String, String> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    Thread t = thread;
    if (t != null) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
