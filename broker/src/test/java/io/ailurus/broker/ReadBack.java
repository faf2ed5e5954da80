package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The check every fault test ends with: each acknowledged value is read back exactly once, where it was acknowledged. */
final class ReadBack {

    private ReadBack() {
    }

    static void everyAcknowledgedRecordOnce(final String bootstrap, final String topic, final int partitions,
            final Map<String, RecordMetadata> acked) {
        final Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        p.put("request.timeout.ms", "10000");
        p.put("metadata.max.age.ms", "2000");
        final Map<String, List<ConsumerRecord<String, String>>> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            final List<TopicPartition> all = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                all.add(new TopicPartition(topic, i));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            final Set<String> missing = new HashSet<>(acked.keySet());
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.computeIfAbsent(r.value(), v -> new ArrayList<>()).add(r);
                    missing.remove(r.value());
                }
            }
            assertTrue(missing.isEmpty(), missing.size() + " acknowledged records never read back, e.g. "
                    + missing.stream().limit(5).toList());
        }
        for (final Map.Entry<String, RecordMetadata> e : acked.entrySet()) {
            final List<ConsumerRecord<String, String>> copies = seen.get(e.getKey());
            assertEquals(1, copies.size(), "copies of " + e.getKey());
            assertEquals(e.getValue().partition(), copies.get(0).partition(), "partition of " + e.getKey());
            assertEquals(e.getValue().offset(), copies.get(0).offset(), "offset of " + e.getKey());
        }
    }
}
