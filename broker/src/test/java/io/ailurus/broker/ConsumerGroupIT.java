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
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
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
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups with real kafka-clients consumers using subscribe(). The broker's {@code __consumer_offsets} has
 * small segments and its log cleaner a short backoff, so that its compaction happens within a test.
 */
@Timeout(180)
class ConsumerGroupIT {

    static final int OFFSETS_PARTITIONS = 4;
    static final int OFFSETS_SEGMENT_BYTES = 64 * 1024;

    @TempDir
    static Path dataDir;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir, Map.of(
                "ailurus.groups.initial-rebalance-delay", "0s",
                "ailurus.groups.min-session-timeout", "1s",
                "ailurus.groups.offsets-topic-partitions", OFFSETS_PARTITIONS,
                "ailurus.groups.offsets-topic-segment-bytes", OFFSETS_SEGMENT_BYTES,
                "ailurus.log-cleaner.backoff", "200ms"));
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

    /** The end offset of a partition (ListOffsets latest) as a plain consumer sees it. */
    private static long endOffset(final TopicPartition tp) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker)) {
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    /** Another group whose coordinator is the same {@code __consumer_offsets} partition. */
    private static String groupOnOffsetsPartition(final String prefix, final int offsetsPartition) {
        for (int i = 0; ; i++) {
            if (Utils.abs((prefix + i).hashCode()) % OFFSETS_PARTITIONS == offsetsPartition) {
                return prefix + i;
            }
        }
    }

    /**
     * Commits {@code next}, {@code next + 1}, .. for the partition until told to stop; each acknowledged commit goes
     * to {@code acked} (when given). Fails with the first commit that fails.
     */
    private static Callable<Void> committer(final String group, final TopicPartition tp, final AtomicBoolean stop,
            final Map<TopicPartition, Long> acked) {
        return () -> {
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "group.id", group)) {
                consumer.assign(List.of(tp));
                long next = 1;
                while (!stop.get()) {
                    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)), Duration.ofSeconds(20));
                    if (acked != null) {
                        acked.put(tp, next);
                    }
                    next++;
                }
            }
            return null;
        };
    }

    /**
     * {@code __consumer_offsets} is compacted by the log cleaner (this class's broker: 64 KiB segments, 200 ms cleaner
     * backoff) while eight committers commit flat out to one group. A plain consumer of the group's offsets partition
     * must see the superseded commits go while the commits go on, and — once the group's last commits lie in cleaned
     * segments too — exactly one record per committed partition where the group committed. Every acknowledged commit
     * is the group's offset (Admin listConsumerGroupOffsets) before and after a restart, which replays the compacted
     * partition.
     */
    @Test
    void commitsAcknowledgedWhileTheOffsetsPartitionIsCompactedSurviveARestart() throws Exception {
        final int partitions = 8;
        createTopic("compacted", partitions);
        final String group = "g-compact";
        final int offsetsPartitionIndex = Utils.abs(group.hashCode()) % OFFSETS_PARTITIONS;
        final TopicPartition offsetsPartition = new TopicPartition("__consumer_offsets", offsetsPartitionIndex);
        try (Admin admin = Admin.create(broker.clientProperties())) {
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "__consumer_offsets");
            final Config config = await(admin.describeConfigs(List.of(resource)).values().get(resource));
            assertEquals("compact", config.get("cleanup.policy").value());
            assertEquals(Integer.toString(OFFSETS_SEGMENT_BYTES), config.get("segment.bytes").value());
        }
        final long first = endOffset(offsetsPartition);   // the other tests' records lie below
        final Map<TopicPartition, Long> acked = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final ExecutorService pool = Executors.newFixedThreadPool(partitions);
        final List<Future<Void>> committers = new ArrayList<>();
        try {
            for (int p = 0; p < partitions; p++) {
                committers.add(pool.submit(committer(group, new TopicPartition("compacted", p), stop, acked)));
            }
            // ~500 commits fill a segment: 5000 are ten segments, of which the cleaner may leave the newest two.
            Awaitility.await("the cleaner compacts the offsets partition while the commits go on").atMost(Duration.ofSeconds(90))
                    .pollInSameThread().pollInterval(Duration.ofMillis(500)).until(() -> {
                        BackgroundTasks.allRunning(committers, "a committer");
                        final PartitionView view = PartitionView.read(broker, offsetsPartition);
                        final long written = view.end() - first;
                        return written >= 5_000 && view.between(first, view.end()).size() * 4 < written;
                    });
        } finally {
            stop.set(true);
            pool.shutdown();
        }
        for (final Future<Void> c : committers) {
            c.get(60, TimeUnit.SECONDS);   // a failed commit fails the test
        }
        assertEquals(partitions, acked.size());
        final long last = endOffset(offsetsPartition);   // every commit of the group lies below

        // The group's last commits are in the active segment: another group of the same coordinator writes until
        // they are in cleaned segments, with one record left per committed partition.
        final AtomicBoolean stopFiller = new AtomicBoolean();
        final ExecutorService fillerPool = Executors.newSingleThreadExecutor();
        final Future<Void> filler = fillerPool.submit(committer(groupOnOffsetsPartition("g-filler-", offsetsPartitionIndex),
                new TopicPartition("compacted", 0), stopFiller, null));
        try {
            Awaitility.await("the group's last commits are compacted").atMost(Duration.ofSeconds(60))
                    .pollInSameThread().pollInterval(Duration.ofMillis(500)).until(() -> {
                        BackgroundTasks.allRunning(List.of(filler), "a committer");
                        return PartitionView.read(broker, offsetsPartition).between(first, last).size() <= partitions;
                    });
        } finally {
            stopFiller.set(true);
            fillerPool.shutdown();
        }
        filler.get(60, TimeUnit.SECONDS);
        final List<ConsumerRecord<byte[], byte[]>> survivors = PartitionView.read(broker, offsetsPartition).between(first, last);
        assertEquals(partitions, survivors.size(), "one record per committed partition: " + survivors);
        assertEquals(partitions, PartitionView.distinctKeys(survivors), "one record per committed partition: " + survivors);

        try (Admin admin = Admin.create(broker.clientProperties())) {
            assertEquals(acked, committed(admin, group));
        }
        broker.restart();
        try (Admin admin = Admin.create(broker.clientProperties())) {
            assertEquals(acked, committed(admin, group), "after the restart");
        }
        assertEquals(survivors.stream().map(ConsumerRecord::offset).toList(),
                PartitionView.read(broker, offsetsPartition).between(first, last).stream().map(ConsumerRecord::offset).toList(),
                "the compacted partition after the restart");
    }
}
