package io.servicecatalog.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** Records written per topic between two moments: the end offsets of every partition, subtracted. */
final class KafkaRecords {
    private final String bootstrap;
    private final Map<String, Long> before;

    private KafkaRecords(String bootstrap, Map<String, Long> before) {
        this.bootstrap = bootstrap;
        this.before = before;
    }

    static KafkaRecords start(String bootstrap) throws Exception {
        return new KafkaRecords(bootstrap, endOffsets(bootstrap));
    }

    /** Records per topic since {@link #start}, internal topics left out. */
    Map<String, Long> stop() throws Exception {
        Map<String, Long> out = new TreeMap<>();
        endOffsets(bootstrap).forEach((topic, end) -> {
            long n = end - before.getOrDefault(topic, 0L);
            if (n > 0) {
                out.put(topic, n);
            }
        });
        return out;
    }

    private static Map<String, Long> endOffsets(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (var topic : admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().values()) {
                topic.partitions().forEach(tp -> latest.put(new TopicPartition(topic.name(), tp.partition()), OffsetSpec.latest()));
            }
            Map<String, Long> byTopic = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> byTopic.merge(tp.topic(), info.offset(), Long::sum));
            return byTopic;
        }
    }
}
