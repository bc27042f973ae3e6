package io.servicecatalog.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Apache Kafka broker in KRaft mode, in this JVM. No container engine is
 * available on the machines this project builds on, so tests and the local stack run the broker
 * from the Maven artifacts instead of an image; it is the same broker code a cluster runs.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** The mesh's topics: name, partitions, compacted. */
  public record TopicSpec(String name, int partitions, boolean compacted) {}

  public static final List<TopicSpec> SERVICE_CATALOG_TOPICS = List.of(
      new TopicSpec("servicecatalog.resources", 6, false),
      new TopicSpec("servicecatalog.results", 6, false),
      new TopicSpec("servicecatalog.credentials", 6, true),
      new TopicSpec("servicecatalog.audit", 3, false));

  private final int port;
  private final int controllerPort;
  private final Path dir;
  private KafkaRaftServer server;

  public EmbeddedKafka(int port, int controllerPort, Path dir) {
    this.port = port;
    this.controllerPort = controllerPort;
    this.dir = dir;
  }

  /** On free ports in a fresh temporary directory. */
  public static EmbeddedKafka onFreePorts() {
    try {
      return new EmbeddedKafka(freePort(), freePort(), Files.createTempDirectory("kafka-kraft-"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public EmbeddedKafka start() {
    try {
      Files.createDirectories(dir);
      Path config = dir.resolve("server.properties");
      Properties props = properties();
      try (var out = Files.newBufferedWriter(config)) {
        props.store(out, "embedded KRaft broker");
      }
      String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
      boolean formatted = Files.exists(dir.resolve("data").resolve("meta.properties"));
      if (!formatted) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        // StorageTool.main would System.exit; execute() formats and returns.
        StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString(),
            "--standalone"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
      }
      server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      return this;
    } catch (Exception e) {
      throw new IllegalStateException("could not start the embedded Kafka broker", e);
    }
  }

  private Properties properties() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.resolve("data").toString());
    p.put("num.partitions", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    return p;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Creates topics; existing ones are left as they are. */
  public void createTopics(List<TopicSpec> topics) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      List<NewTopic> create = new ArrayList<>();
      for (TopicSpec t : topics) {
        NewTopic nt = new NewTopic(t.name(), t.partitions(), (short) 1);
        if (t.compacted()) {
          nt.configs(Map.of("cleanup.policy", "compact"));
        }
        create.add(nt);
      }
      for (var f : admin.createTopics(create).values().values()) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not create topics", e);
    }
  }

  public EmbeddedKafka withServiceCatalogTopics() {
    createTopics(SERVICE_CATALOG_TOPICS);
    return this;
  }

  @Override
  public void close() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
    deleteRecursively(dir);
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + bootstrapServers() + ", " + UUID.nameUUIDFromBytes(dir.toString().getBytes()) + "]";
  }
}
