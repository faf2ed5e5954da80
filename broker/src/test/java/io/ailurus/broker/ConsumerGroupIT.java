package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.utils.Utils;
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

    static <T> T await(final KafkaFuture<T> future) throws Exception {
        return future.get(20, TimeUnit.SECONDS);
    }

    static Map<String, GroupState> listGroups(final Admin admin, final Set<GroupState> states) throws Exception {
        final ListGroupsOptions options = ListGroupsOptions.forConsumerGroups();
        if (!states.isEmpty()) {
            options.inGroupStates(states);
        }
        return await(admin.listGroups(options).all()).stream()
                .collect(Collectors.toMap(GroupListing::groupId, g -> g.groupState().orElseThrow()));
    }

    static Map<TopicPartition, Long> committed(final Admin admin, final String group) throws Exception {
        return await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()).entrySet().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    static Throwable failure(final KafkaFuture<?> future) {
        return assertThrows(ExecutionException.class, () -> future.get(20, TimeUnit.SECONDS)).getCause();
    }

    /**
     * The group admin calls on a live group and then on the empty one: list (with states), describe, offsets, and
     * what may only be done to an empty group (delete, alter offsets) refused while a member is active.
     */
    @Test
    void adminSeesManagesAndDeletesAGroup() throws Exception {
        createTopic("admin-groups", 2);
        createTopic("admin-other", 1);
        produce("admin-groups", 2, 20, "a");
        produce("admin-other", 1, 5, "o");
        final String group = "g-admin";
        final TopicPartition p0 = new TopicPartition("admin-groups", 0);
        final TopicPartition p1 = new TopicPartition("admin-groups", 1);
        final TopicPartition other = new TopicPartition("admin-other", 0);
        try (Admin admin = Admin.create(broker.clientProperties())) {
            try (KafkaConsumer<String, String> consumer = member(group, "client.id", "admin-test-client")) {
                consumer.subscribe(List.of("admin-groups"));
                assertEquals(20, pollValues(consumer, 20, Duration.ofSeconds(30)).size());
                consumer.commitSync();

                final Map<String, GroupState> stable = listGroups(admin, Set.of(GroupState.STABLE));
                assertEquals(GroupState.STABLE, stable.get(group), stable.toString());
                assertFalse(listGroups(admin, Set.of(GroupState.EMPTY)).containsKey(group));
                assertEquals(GroupState.STABLE, listGroups(admin, Set.of()).get(group));

                final ConsumerGroupDescription described = await(admin.describeConsumerGroups(List.of(group))
                        .describedGroups().get(group));
                assertEquals(GroupState.STABLE, described.groupState());
                assertEquals("range", described.partitionAssignor());
                assertFalse(described.isSimpleConsumerGroup());
                assertEquals(broker.node().kafkaPort(), described.coordinator().port());
                assertEquals(1, described.members().size());
                final MemberDescription m = described.members().iterator().next();
                assertEquals(consumer.groupMetadata().memberId(), m.consumerId());
                assertEquals("admin-test-client", m.clientId());
                assertTrue(m.host().contains("127.0.0.1"), m.host());
                assertEquals(Set.of(p0, p1), m.assignment().topicPartitions());

                assertEquals(Map.of(p0, 10L, p1, 10L), committed(admin, group));

                assertInstanceOf(GroupNotEmptyException.class,
                        failure(admin.deleteConsumerGroups(List.of(group)).all()));
                assertInstanceOf(UnknownMemberIdException.class,
                        failure(admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(3))).all()));
                assertInstanceOf(GroupSubscribedToTopicException.class,
                        failure(admin.deleteConsumerGroupOffsets(group, Set.of(p0)).partitionResult(p0)));
                assertEquals(Map.of(p0, 10L, p1, 10L), committed(admin, group), "nothing changed");
            }
            // The consumer left (LeaveGroup on close): the group is empty, with its offsets.
            assertEquals(GroupState.EMPTY, listGroups(admin, Set.of(GroupState.EMPTY)).get(group));
            final ConsumerGroupDescription empty = await(admin.describeConsumerGroups(List.of(group))
                    .describedGroups().get(group));
            assertEquals(GroupState.EMPTY, empty.groupState());
            assertTrue(empty.members().isEmpty());

            await(admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(3), other,
                    new OffsetAndMetadata(4))).all());
            assertEquals(Map.of(p0, 3L, p1, 10L, other, 4L), committed(admin, group));
            await(admin.deleteConsumerGroupOffsets(group, Set.of(p1)).all());
            assertEquals(Map.of(p0, 3L, other, 4L), committed(admin, group));
            try (KafkaConsumer<String, String> consumer = member(group)) {
                consumer.subscribe(List.of("admin-groups"));
                final List<String> values = pollValues(consumer, 17, Duration.ofSeconds(30));
                assertEquals(17, values.size(), "p0 from offset 3, p1 from the start: " + values);
            }

            await(admin.deleteConsumerGroups(List.of(group)).all());
            assertTrue(committed(admin, group).isEmpty());
            assertFalse(listGroups(admin, Set.of()).containsKey(group));
            assertInstanceOf(GroupIdNotFoundException.class,
                    failure(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)));
            assertInstanceOf(GroupIdNotFoundException.class,
                    failure(admin.deleteConsumerGroups(List.of(group)).all()));
        }
    }

    /** A consumer that assigns partitions itself (no JoinGroup, generation -1) commits, and the commit is durable. */
    @Test
    void anAssignConsumerWithAGroupIdCommitsAndReadsBackAfterARestart() throws Exception {
        createTopic("assigned", 2);
        produce("assigned", 2, 10, "x");
        final TopicPartition p0 = new TopicPartition("assigned", 0);
        final TopicPartition p1 = new TopicPartition("assigned", 1);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "group.id", "g-assigned",
                "auto.offset.reset", "earliest")) {
            consumer.assign(List.of(p0, p1));
            assertEquals(10, pollValues(consumer, 10, Duration.ofSeconds(30)).size());
            consumer.commitSync(Map.of(p0, new OffsetAndMetadata(3, "done-p0"), p1, new OffsetAndMetadata(2)));
            final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(p0, p1));
            assertEquals(3, committed.get(p0).offset());
            assertEquals("done-p0", committed.get(p0).metadata());
            assertEquals(2, committed.get(p1).offset());
            consumer.commitSync(Map.of(p1, new OffsetAndMetadata(4)));
        }
        broker.restart();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "group.id", "g-assigned",
                "auto.offset.reset", "earliest")) {
            final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(p0, p1));
            assertEquals(3, committed.get(p0).offset());
            assertEquals("done-p0", committed.get(p0).metadata());
            assertEquals(4, committed.get(p1).offset());
            consumer.assign(List.of(p0, p1));
            // 10 records round-robin: p0 holds x0, x2, .. x8 and p1 x1, .. x9.
            final List<String> values = pollValues(consumer, 3, Duration.ofSeconds(30));
            assertEquals(Set.of("x6", "x8", "x9"), new HashSet<>(values), "resumes at the commits");
            assertTrue(pollValues(consumer, 1, Duration.ofSeconds(1)).isEmpty());
        }
        try (Admin admin = Admin.create(broker.clientProperties())) {
            final ConsumerGroupDescription simple = await(admin.describeConsumerGroups(List.of("g-assigned"))
                    .describedGroups().get("g-assigned"));
            assertEquals(GroupState.EMPTY, simple.groupState());
            assertTrue(simple.isSimpleConsumerGroup());
        }
    }

    private static boolean compacted(final TopicPartition offsetsPartition, final long startOffset) {
        return broker.node().services().replicas().get(offsetsPartition).log().logStartOffset() > startOffset;
    }

    private static long storedRecords(final TopicPartition offsetsPartition) {
        final var log = broker.node().services().replicas().get(offsetsPartition).log();
        return log.logEndOffset() - log.logStartOffset();
    }

    /**
     * The coordinator compacts its {@code __consumer_offsets} partition (a snapshot of the live state, then everything
     * before it deleted) while commits keep coming: every acknowledged commit must survive that and a restart.
     */
    @Test
    void commitsAcknowledgedWhileTheOffsetsPartitionIsCompactedSurviveARestart() throws Exception {
        final int partitions = 8;
        createTopic("compacted", partitions);
        final String group = "g-compact";
        final TopicPartition offsetsPartition = new TopicPartition("__consumer_offsets", Utils.abs(group.hashCode()) % 4);
        final Map<TopicPartition, Long> acked = new ConcurrentHashMap<>();
        final long startOffset = broker.node().services().replicas().get(offsetsPartition).log().logStartOffset();
        final long deadline = System.nanoTime() + Duration.ofSeconds(100).toNanos();
        final ExecutorService pool = Executors.newFixedThreadPool(partitions);
        try {
            final List<Future<?>> committers = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                final TopicPartition tp = new TopicPartition("compacted", p);
                committers.add(pool.submit(() -> {
                    try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "group.id", group)) {
                        consumer.assign(List.of(tp));
                        long next = 1;
                        // Commit flat out until the partition holds enough garbage to be compacted at the next
                        // housekeeping tick; then commit with pauses, and stop as soon as it was compacted, so the
                        // last commit of some committer is likely to have been in flight at the compaction.
                        while (System.nanoTime() < deadline && !compacted(offsetsPartition, startOffset)) {
                            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)));
                            acked.put(tp, next++);
                            if (storedRecords(offsetsPartition) > 11_000) {
                                Thread.sleep(5);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (final Future<?> f : committers) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(broker.node().services().replicas().get(offsetsPartition).log().logStartOffset() > startOffset,
                "the offsets partition was never compacted");
        try (Admin admin = Admin.create(broker.clientProperties())) {
            assertEquals(acked, committed(admin, group));
        }
        broker.restart();
        try (Admin admin = Admin.create(broker.clientProperties())) {
            assertEquals(acked, committed(admin, group), "after the restart");
        }
    }
}
