package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A compacted topic with three replicas: every replica compacts its own copy, and after the leader is killed
 * (kill -9) the new leader serves a valid compacted view from offset 0 — each key's newest value, offsets kept — and
 * takes new writes; the old leader, back, follows again.
 */
@Timeout(300)
class CompactionClusterIT {

    private static final String TOPIC = "compacted-replicated";
    private static final int KEYS = 40;
    private static final int ROUNDS = 25;

    @Test
    void theNewLeaderAfterAKillServesTheNewestValueOfEveryKey() throws Exception {
        try (TestCluster cluster = TestCluster.of(3, "compaction-replicated")
                .jvmOption("-Dailurus.log-cleaner.backoff=200ms").start()) {
            try (Admin admin = ClusterOperationsIT.admin(cluster)) {
                ClusterOperationsIT.awaitBrokers(admin, 3);
                // Metadata may list a node before the controller has its registration: retry until three can be placed.
                await("the compacted topic is created with three replicas").atMost(Duration.ofSeconds(60))
                        .pollInSameThread().ignoreExceptionsInstanceOf(java.util.concurrent.ExecutionException.class)
                        .until(() -> {
                            try {
                                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3).configs(Map.of(
                                        "cleanup.policy", "compact", "segment.bytes", "2048",
                                        "min.cleanable.dirty.ratio", "0.01")))).all().get(30, TimeUnit.SECONDS);
                                return true;
                            } catch (java.util.concurrent.ExecutionException e) {
                                if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
                                    return true;   // an earlier attempt created it
                                }
                                throw e;
                            }
                        });
            }
            try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrap(), "acks", "all",
                    "linger.ms", "0", "delivery.timeout.ms", "120000", "request.timeout.ms", "5000",
                    "metadata.max.age.ms", "2000")) {
                for (int round = 0; round < ROUNDS; round++) {
                    for (int k = 0; k < KEYS; k++) {
                        producer.send(new ProducerRecord<>(TOPIC, "key-" + k, "value-" + k + "-" + round)).get(60, TimeUnit.SECONDS);
                    }
                }
                await("the leader's cleaner compacts").atMost(Duration.ofSeconds(60)).pollInSameThread()
                        .until(() -> readFromStart(cluster).size() < KEYS * ROUNDS / 2);

                final int leader = ReplicationIT.leaderOf(cluster, TOPIC, 0);
                cluster.node(leader).kill();
                await("a new leader serves the newest value of every key").atMost(Duration.ofSeconds(90))
                        .pollInSameThread().ignoreExceptions()
                        .until(() -> newestValues(readFromStart(cluster)).size() == KEYS);
                final Map<String, String> newest = newestValues(readFromStart(cluster));
                for (int k = 0; k < KEYS; k++) {
                    assertEquals("value-" + k + "-" + (ROUNDS - 1), newest.get("key-" + k));
                }
                producer.send(new ProducerRecord<>(TOPIC, "key-0", "after-failover")).get(60, TimeUnit.SECONDS);
                cluster.node(leader).start();
            }
            await("the new write is read after the old leader is back").atMost(Duration.ofSeconds(90))
                    .pollInSameThread().ignoreExceptions()
                    .until(() -> "after-failover".equals(newestValues(readFromStart(cluster)).get("key-0")));
        }
    }

    /** Everything from offset 0 to the end, checking that offsets grow and each key's values come in write order. */
    private static List<ConsumerRecord<String, String>> readFromStart(final TestCluster cluster) {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(cluster.bootstrap(), "request.timeout.ms", "5000",
                "default.api.timeout.ms", "20000", "metadata.max.age.ms", "2000")) {
            final TopicPartition tp = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long end = consumer.endOffsets(List.of(tp)).get(tp);
            final List<ConsumerRecord<String, String>> out = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            assertEquals(end, consumer.position(tp), "read to the end");
            long previous = -1;
            final Map<String, Integer> lastRound = new HashMap<>();
            for (final ConsumerRecord<String, String> r : out) {
                assertTrue(r.offset() > previous, "offsets grow");
                previous = r.offset();
                if (r.value().startsWith("value-")) {
                    final int round = Integer.parseInt(r.value().substring(r.value().lastIndexOf('-') + 1));
                    assertTrue(round > lastRound.getOrDefault(r.key(), -1), "values of " + r.key() + " in write order");
                    lastRound.put(r.key(), round);
                }
            }
            return out;
        }
    }

    private static Map<String, String> newestValues(final List<ConsumerRecord<String, String>> records) {
        final Map<String, String> newest = new HashMap<>();
        records.forEach(r -> newest.put(r.key(), r.value()));
        return newest;
    }
}
