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
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kafka-clients 4.x consumers with {@code group.protocol=consumer} (KIP-848): server-side assignment. */
@Timeout(180)
class ConsumerProtocolIT {

    @TempDir
    static Path dataDir;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir, Map.of(
                "ailurus.groups.consumer-heartbeat-interval", "300ms",
                "ailurus.groups.consumer-session-timeout", "6s",
                "ailurus.groups.offsets-topic-partitions", 4));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static KafkaConsumer<String, String> member(final String group) {
        return Clients.consumer(broker, "group.id", group, "group.protocol", "consumer", "auto.offset.reset", "earliest");
    }

    static List<String> poll(final KafkaConsumer<String, String> consumer, final int count) {
        final List<String> values = new ArrayList<>();
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (values.size() < count && System.nanoTime() < deadline) {
            for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                values.add(r.value());
            }
        }
        return values;
    }

    @Test
    void aConsumerJoinsConsumesCommitsAndItsSuccessorResumes() throws Exception {
        broker.createTopic("kip848", 3);
        Clients.produceValues(broker, "kip848", 3, 60, "a-");
        try (KafkaConsumer<String, String> consumer = member("g848")) {
            consumer.subscribe(List.of("kip848"));
            final List<String> values = poll(consumer, 60);
            assertEquals(60, new HashSet<>(values).size());
            assertEquals(3, consumer.assignment().size());
            consumer.commitSync();
        }
        Clients.produceValues(broker, "kip848", 3, 6, "b-");
        try (KafkaConsumer<String, String> consumer = member("g848")) {
            consumer.subscribe(List.of("kip848"));
            final List<String> values = poll(consumer, 6);
            assertEquals(6, values.size());
            assertTrue(values.stream().allMatch(v -> v.startsWith("b-")), values.toString());
        }
    }

    @Test
    void twoMembersShareThePartitionsAndTheSurvivorTakesAllWhenOneLeaves() throws Exception {
        broker.createTopic("kip848-split", 4);
        try (KafkaConsumer<String, String> a = member("g848-split")) {
            a.subscribe(List.of("kip848-split"));
            try (KafkaConsumer<String, String> b = member("g848-split")) {
                b.subscribe(List.of("kip848-split"));
                final long deadline = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < deadline && !(a.assignment().size() == 2 && b.assignment().size() == 2)) {
                    a.poll(Duration.ofMillis(100));
                    b.poll(Duration.ofMillis(100));
                }
                assertEquals(2, a.assignment().size(), "a " + a.assignment() + " b " + b.assignment());
                assertEquals(2, b.assignment().size());
                final Set<TopicPartition> all = new HashSet<>(a.assignment());
                all.addAll(b.assignment());
                assertEquals(4, all.size());
                assertDescribedAsConsumerGroup("g848-split", a.assignment(), b.assignment());
            }
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && a.assignment().size() != 4) {
                a.poll(Duration.ofMillis(100));
            }
            assertEquals(4, a.assignment().size());
        }
    }

    /** What an admin sees of a consumer-protocol group: its type, state, assignor and each member's partitions. */
    private static void assertDescribedAsConsumerGroup(final String group, final Set<TopicPartition> a,
                                                       final Set<TopicPartition> b) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", broker.bootstrap()))) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                final org.apache.kafka.clients.admin.ConsumerGroupDescription d = admin
                        .describeConsumerGroups(List.of(group)).describedGroups().get(group)
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(org.apache.kafka.common.GroupType.CONSUMER, d.type());
                assertEquals(org.apache.kafka.common.GroupState.STABLE, d.groupState());
                assertEquals("uniform", d.partitionAssignor());
                assertEquals(Set.of(a, b), d.members().stream()
                        .map(m -> m.assignment().topicPartitions()).collect(java.util.stream.Collectors.toSet()));
            });

            final org.apache.kafka.clients.admin.GroupListing listed = admin.listGroups().all()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS).stream()
                    .filter(g -> g.groupId().equals(group)).findFirst().orElseThrow();
            assertEquals(java.util.Optional.of(org.apache.kafka.common.GroupType.CONSUMER), listed.type());
        }
    }
}
