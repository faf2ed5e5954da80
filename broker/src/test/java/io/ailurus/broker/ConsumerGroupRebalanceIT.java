package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rebalances with real kafka-clients consumers (subscribe): a member that dies without leaving, static membership,
 * cooperative rebalancing, and many groups at once. Every wait is bounded; the session timeout is 6 s.
 */
@Timeout(300)
class ConsumerGroupRebalanceIT {

    private static final int SESSION_TIMEOUT_MS = 6000;

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

    // ------------------------------------------------------------------------------------------------ helpers

    static void createTopic(final String topic, final int partitions) throws Exception {
        broker.node().services().topics().create(topic, partitions, (short) 1, Map.of(), false).get();
        broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));
    }

    /** Produces {@code prefix0 .. prefix(count-1)}, round-robin over the partitions; returns the values. */
    static Set<String> produce(final String topic, final int partitions, final int count, final String prefix) throws Exception {
        final Set<String> values = new HashSet<>();
        try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, null, prefix + i));
                values.add(prefix + i);
            }
            producer.flush();
        }
        return values;
    }

    static KafkaConsumer<String, String> member(final String group, final Object... extra) {
        final List<Object> settings = new ArrayList<>(List.of("group.id", group, "auto.offset.reset", "earliest",
                "session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS), "heartbeat.interval.ms", "500"));
        settings.addAll(List.of(extra));
        return Clients.consumer(broker, settings.toArray());
    }

    /** Polls every consumer in turn (100 ms each) until {@code done} holds; fails after the timeout. */
    @SafeVarargs
    static void pollUntil(final Duration timeout, final BooleanSupplier done, final String what,
            final KafkaConsumer<String, String>... consumers) {
        pollUntil(timeout, done, what, null, consumers);
    }

    @SafeVarargs
    static void pollUntil(final Duration timeout, final BooleanSupplier done, final String what,
            final Collection<String> sink, final KafkaConsumer<String, String>... consumers) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                final StringBuilder state = new StringBuilder();
                for (final KafkaConsumer<String, String> c : consumers) {
                    state.append(' ').append(c.assignment());
                }
                throw new AssertionError("not within " + timeout + ": " + what + "; assignments:" + state);
            }
            for (final KafkaConsumer<String, String> c : consumers) {
                for (final ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                    if (sink != null) {
                        sink.add(r.value());
                    }
                }
            }
        }
    }

    /** Polls every consumer in turn for {@code duration}, keeping what they read. */
    @SafeVarargs
    static void pollFor(final Duration duration, final Collection<String> sink, final KafkaConsumer<String, String>... consumers) {
        final long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            for (final KafkaConsumer<String, String> c : consumers) {
                for (final ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                    if (sink != null) {
                        sink.add(r.value());
                    }
                }
            }
        }
    }

    static <T> Set<T> union(final Collection<T> a, final Collection<T> b) {
        final Set<T> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** Records what a consumer's rebalance listener is told. */
    static final class RecordingListener implements ConsumerRebalanceListener {
        final List<Set<TopicPartition>> revoked = new CopyOnWriteArrayList<>();
        final List<Set<TopicPartition>> assigned = new CopyOnWriteArrayList<>();
        final List<Set<TopicPartition>> lost = new CopyOnWriteArrayList<>();

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            revoked.add(Set.copyOf(partitions));
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            assigned.add(Set.copyOf(partitions));
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions) {
            lost.add(Set.copyOf(partitions));
        }

        int calls() {
            return revoked.size() + assigned.size() + lost.size();
        }

        @Override
        public String toString() {
            return "revoked " + revoked + ", assigned " + assigned + ", lost " + lost;
        }
    }

    static ConsumerGroupDescription describe(final String group) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(20, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------------------------------------ tests

    /**
     * A member dies without a LeaveGroup: after the session timeout its partitions move to the survivor, which
     * resumes from the dead member's last commit, so every record is consumed (the uncommitted ones twice).
     */
    @Test
    void aKilledMembersPartitionsMoveToTheSurvivorAfterTheSessionTimeout() throws Exception {
        final String topic = "failover";
        createTopic(topic, 4);
        final Set<String> produced = produce(topic, 4, 400, "v");
        final List<String> readByA = new ArrayList<>();
        final List<String> readByB = new ArrayList<>();
        final KafkaConsumer<String, String> a = member("g-failover", "max.poll.records", "5");
        try (KafkaConsumer<String, String> b = member("g-failover", "max.poll.records", "5")) {
            a.subscribe(List.of(topic));
            b.subscribe(List.of(topic));
            // Both members consume and commit what they processed, until the group has settled at 2 + 2.
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!(a.assignment().size() == 2 && b.assignment().size() == 2 && readByA.size() >= 10)) {
                assertTrue(System.nanoTime() < deadline, "no 2/2 split: " + a.assignment() + " " + b.assignment());
                for (final ConsumerRecord<String, String> r : a.poll(Duration.ofMillis(100))) {
                    readByA.add(r.value());
                }
                a.commitSync();
                for (final ConsumerRecord<String, String> r : b.poll(Duration.ofMillis(100))) {
                    readByB.add(r.value());
                }
                b.commitSync();
            }
            final Set<TopicPartition> ofA = Set.copyOf(a.assignment());
            // A processes a last batch it never commits, then dies: no LeaveGroup, no more heartbeats.
            final List<String> uncommitted = new ArrayList<>();
            final long batchDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (uncommitted.isEmpty() && System.nanoTime() < batchDeadline) {
                a.poll(Duration.ofMillis(100)).forEach(r -> uncommitted.add(r.value()));
            }
            assertFalse(uncommitted.isEmpty(), "A had nothing left to read");
            readByA.addAll(uncommitted);
            final long killedAt = System.nanoTime();
            a.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                    .withTimeout(Duration.ofSeconds(5)));

            pollUntil(Duration.ofSeconds(60), () -> b.assignment().size() == 4 && readByB.containsAll(uncommitted)
                    && union(readByA, readByB).containsAll(produced), "B takes over A's partitions and reads all", readByB, b);
            final long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertTrue(b.assignment().containsAll(ofA), b.assignment().toString());
            assertTrue(tookMs >= SESSION_TIMEOUT_MS - 1500, "moved before the session timeout: " + tookMs + " ms");
            assertTrue(tookMs < 4L * SESSION_TIMEOUT_MS, "moved only after " + tookMs + " ms");
            final Set<String> all = new HashSet<>(readByA);
            all.addAll(readByB);
            assertEquals(produced, all);
            final ConsumerGroupDescription group = describe("g-failover");
            assertEquals(1, group.members().size(), group.toString());
            assertEquals(b.groupMetadata().memberId(), group.members().iterator().next().consumerId());
        }
    }

    /**
     * A static member restarts within the session timeout: it gets its partitions back and the other member never
     * notices (no rebalance: no listener call, same generation and member ids).
     */
    @Test
    void aStaticMemberThatComesBackWithinTheSessionTimeoutCausesNoRebalance() throws Exception {
        final String topic = "static";
        createTopic(topic, 4);
        final String group = "g-static";
        final RecordingListener listenerB = new RecordingListener();
        final KafkaConsumer<String, String> a = member(group, "group.instance.id", "static-a");
        try (KafkaConsumer<String, String> b = member(group, "group.instance.id", "static-b")) {
            a.subscribe(List.of(topic));
            b.subscribe(List.of(topic), listenerB);
            pollUntil(Duration.ofSeconds(60), () -> a.assignment().size() == 2 && b.assignment().size() == 2,
                    "a 2/2 split", a, b);
            pollFor(Duration.ofSeconds(2), null, a, b);   // let the group settle: no rebalance pending
            final Set<TopicPartition> ofA = Set.copyOf(a.assignment());
            final Set<TopicPartition> ofB = Set.copyOf(b.assignment());
            final ConsumerGroupMetadata bBefore = b.groupMetadata();
            final int bCalls = listenerB.calls();
            final String aMemberId = a.groupMetadata().memberId();
            final ConsumerGroupDescription before = describe(group);
            assertEquals(GroupState.STABLE, before.groupState());

            a.close(Duration.ofSeconds(5));   // a static member does not leave the group
            final long closedAt = System.nanoTime();
            try (KafkaConsumer<String, String> again = member(group, "group.instance.id", "static-a")) {
                again.subscribe(List.of(topic));
                pollUntil(Duration.ofSeconds(SESSION_TIMEOUT_MS / 1000 - 1), () -> !again.assignment().isEmpty(),
                        "the restarted static member gets partitions", again, b);
                assertTrue(System.nanoTime() - closedAt < SESSION_TIMEOUT_MS * 1_000_000L, "rejoined too late to test");
                assertEquals(ofA, again.assignment());
                pollFor(Duration.ofSeconds(3), null, again, b);   // several heartbeats: a rebalance would show

                assertEquals(ofA, again.assignment());
                assertEquals(ofB, b.assignment());
                assertEquals(bCalls, listenerB.calls(), "the other member saw a rebalance: " + listenerB);
                assertEquals(bBefore.generationId(), b.groupMetadata().generationId());
                assertEquals(bBefore.memberId(), b.groupMetadata().memberId());
                assertEquals(bBefore.generationId(), again.groupMetadata().generationId());
                assertFalse(aMemberId.equals(again.groupMetadata().memberId()), "a new incarnation gets a new member id");

                final ConsumerGroupDescription after = describe(group);
                assertEquals(GroupState.STABLE, after.groupState());
                assertEquals(2, after.members().size(), after.toString());
                final Map<String, MemberDescription> byInstance = new ConcurrentHashMap<>();
                after.members().forEach(m -> byInstance.put(m.groupInstanceId().orElseThrow(), m));
                assertEquals(again.groupMetadata().memberId(), byInstance.get("static-a").consumerId());
                assertEquals(ofA, byInstance.get("static-a").assignment().topicPartitions());
                assertEquals(bBefore.memberId(), byInstance.get("static-b").consumerId());
                assertEquals(ofB, byInstance.get("static-b").assignment().topicPartitions());
            }
        }
    }

    /**
     * Cooperative rebalancing: when a third member joins two that hold 3 + 3 partitions, each existing member gives
     * up only the partition that moves (never all of its partitions), and the group ends at 2/2/2.
     */
    @Test
    void cooperativeStickyMembersRevokeOnlyThePartitionsThatMove() throws Exception {
        final String topic = "coop";
        createTopic(topic, 6);
        final String group = "g-coop";
        final Object[] cooperative = {"partition.assignment.strategy", CooperativeStickyAssignor.class.getName()};
        final RecordingListener listenerA = new RecordingListener();
        final RecordingListener listenerB = new RecordingListener();
        try (KafkaConsumer<String, String> a = member(group, cooperative);
             KafkaConsumer<String, String> b = member(group, cooperative)) {
            a.subscribe(List.of(topic), listenerA);
            b.subscribe(List.of(topic), listenerB);
            pollUntil(Duration.ofSeconds(60), () -> a.assignment().size() == 3 && b.assignment().size() == 3,
                    "a 3/3 split", a, b);
            pollFor(Duration.ofSeconds(2), null, a, b);
            final Set<TopicPartition> aBefore = Set.copyOf(a.assignment());
            final Set<TopicPartition> bBefore = Set.copyOf(b.assignment());
            assertEquals(3, aBefore.size());
            assertEquals(3, bBefore.size());
            listenerA.revoked.clear();
            listenerB.revoked.clear();

            final RecordingListener listenerC = new RecordingListener();
            try (KafkaConsumer<String, String> c = member(group, cooperative)) {
                c.subscribe(List.of(topic), listenerC);
                pollUntil(Duration.ofSeconds(60), () -> a.assignment().size() == 2 && b.assignment().size() == 2
                        && c.assignment().size() == 2, "a 2/2/2 split", a, b, c);
                pollFor(Duration.ofSeconds(2), null, a, b, c);

                assertEquals(2, a.assignment().size());
                assertEquals(2, b.assignment().size());
                assertEquals(2, c.assignment().size());
                final Set<TopicPartition> all = union(union(a.assignment(), b.assignment()), c.assignment());
                assertEquals(6, all.size());
                assertTrue(aBefore.containsAll(a.assignment()), "sticky: A keeps what it keeps");
                assertTrue(bBefore.containsAll(b.assignment()), "sticky: B keeps what it keeps");
                assertRevokedOnlyWhatMoved(listenerA, aBefore, a.assignment());
                assertRevokedOnlyWhatMoved(listenerB, bBefore, b.assignment());
                assertTrue(listenerA.lost.isEmpty() && listenerB.lost.isEmpty(), listenerA + " / " + listenerB);
            }
        }
    }

    private static void assertRevokedOnlyWhatMoved(final RecordingListener listener, final Set<TopicPartition> before,
            final Set<TopicPartition> after) {
        final Set<TopicPartition> moved = new HashSet<>(before);
        moved.removeAll(after);
        final Set<TopicPartition> revoked = new HashSet<>();
        for (final Set<TopicPartition> call : listener.revoked) {
            assertTrue(call.size() < before.size(), "revoked all its partitions at once: " + listener);
            revoked.addAll(call);
        }
        assertEquals(moved, revoked, listener.toString());
    }

    /** 20 groups of 3 members on one 12-partition topic at once: every group as a whole reads every record. */
    @Test
    void twentyGroupsOfThreeEachReadEveryRecord() throws Exception {
        final String topic = "many-groups";
        final int partitions = 12;
        final int groupCount = 20;
        final int membersPerGroup = 3;
        createTopic(topic, partitions);
        final Set<String> produced = produce(topic, partitions, 1200, "r");
        final Map<String, Set<String>> readByGroup = new ConcurrentHashMap<>();
        for (int g = 0; g < groupCount; g++) {
            readByGroup.put("many-" + g, ConcurrentHashMap.newKeySet());
        }
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        final ExecutorService pool = Executors.newFixedThreadPool(groupCount * membersPerGroup);
        try {
            final List<Future<?>> members = new ArrayList<>();
            for (int g = 0; g < groupCount; g++) {
                final String group = "many-" + g;
                for (int m = 0; m < membersPerGroup; m++) {
                    members.add(pool.submit(() -> {
                        final Set<String> read = readByGroup.get(group);
                        try (KafkaConsumer<String, String> consumer = member(group, "max.poll.records", "50",
                                "fetch.max.bytes", "65536", "max.partition.fetch.bytes", "16384")) {
                            consumer.subscribe(List.of(topic));
                            while (read.size() < produced.size() && System.nanoTime() < deadline) {
                                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                                    read.add(r.value());
                                }
                                if (!consumer.assignment().isEmpty()) {
                                    consumer.commitAsync();
                                }
                            }
                        }
                        return null;
                    }));
                }
            }
            for (final Future<?> f : members) {
                f.get(Math.max(1, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(30), TimeUnit.NANOSECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "consumer threads did not stop");
        }
        for (int g = 0; g < groupCount; g++) {
            final String group = "many-" + g;
            assertEquals(produced.size(), readByGroup.get(group).size(), group + " read only part of the topic");
            assertEquals(produced, readByGroup.get(group));
        }
    }
}
