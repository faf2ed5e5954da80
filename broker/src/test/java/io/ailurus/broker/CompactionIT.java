package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.InvalidRecordException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compacted topics as a kafka-clients user sees them: keys overwritten many times, then a consumer from offset 0
 * reads each key's newest value (and nothing older) once the cleaner ran, in offset order, before and after a
 * restart; tombstones disappear after delete.retention.ms; keyless records are refused.
 */
@Timeout(180)
class CompactionIT {

    private static final int KEYS = 50;
    private static final int ROUNDS = 20;

    @TempDir
    static Path dataDir;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir, Map.of("ailurus.log-cleaner.backoff", "200ms"));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static void createCompacted(final String topic, final Map<String, String> extra) throws Exception {
        final Map<String, String> configs = new HashMap<>(Map.of("cleanup.policy", "compact", "segment.bytes", "2048",
                "min.cleanable.dirty.ratio", "0.01"));
        configs.putAll(extra);
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void overwrite(final String topic, final int rounds) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "linger.ms", "0")) {
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < KEYS; k++) {
                    producer.send(new ProducerRecord<>(topic, "key-" + k, "value-" + k + "-" + round)).get();
                }
            }
        }
    }

    /** Everything from offset 0 to the end, in order. */
    private static List<ConsumerRecord<String, String>> readFromStart(final String topic) {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long end = consumer.endOffsets(List.of(tp)).get(tp);
            final List<ConsumerRecord<String, String>> out = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            assertEquals(end, consumer.position(tp), "read to the end");
            return out;
        }
    }

    /** The view every consumer must get from a compacted topic: offsets grow, each key's values in write order. */
    private static Map<String, String> assertValidCompactedView(final List<ConsumerRecord<String, String>> records) {
        final Map<String, String> newest = new LinkedHashMap<>();
        final Map<String, Integer> lastRound = new HashMap<>();
        long previous = -1;
        for (final ConsumerRecord<String, String> r : records) {
            assertTrue(r.offset() > previous, "offsets grow");
            previous = r.offset();
            if (r.value() != null) {
                final int round = Integer.parseInt(r.value().substring(r.value().lastIndexOf('-') + 1));
                assertTrue(round > lastRound.getOrDefault(r.key(), -1), "values of " + r.key() + " in write order");
                lastRound.put(r.key(), round);
            }
            newest.put(r.key(), r.value());
        }
        return newest;
    }

    @Test
    void aConsumerFromTheStartReadsTheNewestValueOfEveryKeyAfterCleaning() throws Exception {
        final String topic = "compacted-values";
        createCompacted(topic, Map.of());
        overwrite(topic, ROUNDS);
        await("the cleaner drops the overwritten values").atMost(Duration.ofSeconds(60)).pollInSameThread()
                .until(() -> readFromStart(topic).size() < KEYS * ROUNDS / 2);
        final List<ConsumerRecord<String, String>> after = readFromStart(topic);
        final Map<String, String> newest = assertValidCompactedView(after);
        assertEquals(KEYS, newest.size());
        for (int k = 0; k < KEYS; k++) {
            assertEquals("value-" + k + "-" + (ROUNDS - 1), newest.get("key-" + k));
        }
        final long end;
        try (KafkaConsumer<String, String> c = Clients.consumer(broker)) {
            end = c.endOffsets(List.of(new TopicPartition(topic, 0))).get(new TopicPartition(topic, 0));
        }
        assertEquals((long) KEYS * ROUNDS, end, "offsets are kept: the end does not move");

        broker.restart();
        final List<ConsumerRecord<String, String>> restarted = readFromStart(topic);
        assertEquals(newest, assertValidCompactedView(restarted), "the same view after a restart");
        assertTrue(restarted.size() <= after.size());
    }

    @Test
    void tombstonesDeleteAKeyAndThemselvesGoAfterDeleteRetention() throws Exception {
        final String topic = "compacted-deletes";
        createCompacted(topic, Map.of("delete.retention.ms", "0"));
        overwrite(topic, 3);
        try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
            for (int k = 0; k < 10; k++) {
                producer.send(new ProducerRecord<>(topic, "key-" + k, null)).get();
            }
            // Other keys move on, so the tombstones end up in closed segments the cleaner may rewrite.
            for (int round = 3; round < 6; round++) {
                for (int k = 10; k < KEYS; k++) {
                    producer.send(new ProducerRecord<>(topic, "key-" + k, "value-" + k + "-" + round)).get();
                }
            }
        }
        await("the deleted keys and their tombstones are gone").atMost(Duration.ofSeconds(60)).pollInSameThread()
                .until(() -> readFromStart(topic).stream().noneMatch(r -> Integer.parseInt(r.key().substring(4)) < 10));
        final Map<String, String> newest = assertValidCompactedView(readFromStart(topic));
        assertEquals(KEYS - 10, newest.size());
        for (int k = 10; k < KEYS; k++) {
            assertEquals("value-" + k + "-5", newest.get("key-" + k));
        }
    }

    @Test
    void aRecordWithoutAKeyIsRefused() throws Exception {
        final String topic = "compacted-keyless";
        createCompacted(topic, Map.of());
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "retries", "0")) {
            final ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(topic, null, "no key")).get());
            assertInstanceOf(InvalidRecordException.class, e.getCause());
            producer.send(new ProducerRecord<>(topic, "k", "with key")).get();   // the topic still serves
        }
    }
}
