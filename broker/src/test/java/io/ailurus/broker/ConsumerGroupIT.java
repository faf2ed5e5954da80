package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Consumer groups with real kafka-clients consumers using subscribe(). */
@Timeout(180)
class ConsumerGroupIT {

    @TempDir
    static Path dataDir;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir, Map.of(
                "ailurus.groups.initial-rebalance-delay", "0s",
                "ailurus.groups.min-session-timeout", "1s",
                "ailurus.groups.offsets-topic-partitions", 4));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static void produce(final String topic, final int partitions, final int count, final String prefix) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, null, prefix + i));
            }
            producer.flush();
        }
    }

    static void createTopic(final String topic, final int partitions) throws Exception {
        broker.node().services().topics().create(topic, partitions, (short) 1, Map.of(), false).get();
        broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));
    }

    static KafkaConsumer<String, String> member(final String group, final Object... extra) {
        final List<Object> settings = new ArrayList<>(List.of("group.id", group, "auto.offset.reset", "earliest",
                "session.timeout.ms", "6000", "heartbeat.interval.ms", "500"));
        settings.addAll(List.of(extra));
        return Clients.consumer(broker, settings.toArray());
    }

    static List<String> pollValues(final KafkaConsumer<String, String> consumer, final int count, final Duration timeout) {
        final List<String> values = new ArrayList<>();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (values.size() < count && System.nanoTime() < deadline) {
            for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                values.add(r.value());
            }
        }
        return values;
    }

    @Test
    void aConsumerReadsCommitsAndItsSuccessorResumesFromTheCommit() throws Exception {
        createTopic("orders", 3);
        produce("orders", 3, 90, "first-");
        try (KafkaConsumer<String, String> consumer = member("g-resume")) {
            consumer.subscribe(List.of("orders"));
            final List<String> values = pollValues(consumer, 90, Duration.ofSeconds(30));
            assertEquals(90, values.size());
            assertEquals(90, new HashSet<>(values).size());
            consumer.commitSync();
        }
        produce("orders", 3, 9, "second-");
        try (KafkaConsumer<String, String> consumer = member("g-resume")) {
            consumer.subscribe(List.of("orders"));
            final List<String> values = pollValues(consumer, 9, Duration.ofSeconds(30));
            assertEquals(9, values.size());
            assertTrue(values.stream().allMatch(v -> v.startsWith("second-")), "only what came after the commit: " + values);
            assertTrue(pollValues(consumer, 1, Duration.ofSeconds(1)).isEmpty());
        }
    }

    @Test
    void twoMembersSplitThePartitions() throws Exception {
        createTopic("split", 4);
        try (KafkaConsumer<String, String> a = member("g-split"); KafkaConsumer<String, String> b = member("g-split")) {
            a.subscribe(List.of("split"));
            b.subscribe(List.of("split"));
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && (a.assignment().size() + b.assignment().size() != 4
                    || a.assignment().isEmpty() || b.assignment().isEmpty())) {
                a.poll(Duration.ofMillis(100));
                b.poll(Duration.ofMillis(100));
            }
            assertEquals(2, a.assignment().size(), "a: " + a.assignment() + " b: " + b.assignment());
            assertEquals(2, b.assignment().size());
            final Set<TopicPartition> all = new HashSet<>(a.assignment());
            all.addAll(b.assignment());
            assertEquals(4, all.size());
        }
    }

    @Test
    void committedOffsetsSurviveABrokerRestart() throws Exception {
        createTopic("restart-offsets", 2);
        produce("restart-offsets", 2, 20, "v");
        try (KafkaConsumer<String, String> consumer = member("g-restart")) {
            consumer.subscribe(List.of("restart-offsets"));
            assertEquals(20, pollValues(consumer, 20, Duration.ofSeconds(30)).size());
            consumer.commitSync();
        }
        broker.restart();
        produce("restart-offsets", 2, 4, "after-");
        try (KafkaConsumer<String, String> consumer = member("g-restart")) {
            consumer.subscribe(List.of("restart-offsets"));
            final List<String> values = pollValues(consumer, 4, Duration.ofSeconds(30));
            assertEquals(4, values.size(), values.toString());
            assertTrue(values.stream().allMatch(v -> v.startsWith("after-")), values.toString());
        }
    }
}
