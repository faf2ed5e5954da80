package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
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
import org.apache.kafka.common.errors.FencedInstanceIdException;
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
     * A member that stops polling (its heartbeats go on) is dropped once {@code max.poll.interval.ms} passes, and the
     * survivor takes its partitions, from its last commit.
     */
    @Test
    void aMemberThatStopsPollingLosesItsPartitionsAfterTheMaxPollInterval() throws Exception {
        final String topic = "stuck";
        createTopic(topic, 4);
        final Set<String> produced = produce(topic, 4, 200, "s");
        final int maxPollIntervalMs = 8000;
        final List<String> readByA = new ArrayList<>();
        final List<String> readByB = new ArrayList<>();
        try (KafkaConsumer<String, String> a = member("g-stuck", "max.poll.records", "5",
                "max.poll.interval.ms", Integer.toString(maxPollIntervalMs));
             KafkaConsumer<String, String> b = member("g-stuck", "max.poll.records", "5",
                     "max.poll.interval.ms", Integer.toString(maxPollIntervalMs))) {
            a.subscribe(List.of(topic));
            b.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!(a.assignment().size() == 2 && b.assignment().size() == 2 && !readByA.isEmpty())) {
                assertTrue(System.nanoTime() < deadline, "no 2/2 split: " + a.assignment() + " " + b.assignment());
                a.poll(Duration.ofMillis(100)).forEach(r -> readByA.add(r.value()));
                a.commitSync();
                b.poll(Duration.ofMillis(100)).forEach(r -> readByB.add(r.value()));
                b.commitSync();
            }
            final Set<TopicPartition> ofA = Set.copyOf(a.assignment());
            final long stuckAt = System.nanoTime();
            // A never polls again; only its heartbeat thread runs.
            pollUntil(Duration.ofSeconds(60), () -> b.assignment().size() == 4
                    && union(readByA, readByB).containsAll(produced), "B takes over and reads all", readByB, b);
            final long tookMs = (System.nanoTime() - stuckAt) / 1_000_000;
            assertTrue(b.assignment().containsAll(ofA));
            assertTrue(tookMs >= maxPollIntervalMs - 1500, "moved before the poll interval ran out: " + tookMs + " ms");
            assertEquals(produced, union(readByA, readByB));
            final ConsumerGroupDescription group = describe("g-stuck");
            assertEquals(1, group.members().size(), group.toString());
        }
    }

    /**
     * A static member restarts within the session timeout: it gets its partitions back and the other member never
     * notices (no rebalance: no listener call, same generation and member ids). First the leader restarts (it is told
     * to skip the assignment), then the other member.
     */
    @Test
    void aStaticMemberThatComesBackWithinTheSessionTimeoutCausesNoRebalance() throws Exception {
        final String topic = "static";
        createTopic(topic, 4);
        final String group = "g-static";
        final RecordingListener listenerA = new RecordingListener();
        final RecordingListener listenerB = new RecordingListener();
        final KafkaConsumer<String, String> a = member(group, "group.instance.id", "static-a");
        a.subscribe(List.of(topic), listenerA);
        pollUntil(Duration.ofSeconds(30), () -> a.assignment().size() == 4, "the first member's assignment", a);
        final KafkaConsumer<String, String> b = member(group, "group.instance.id", "static-b");
        b.subscribe(List.of(topic), listenerB);
        pollUntil(Duration.ofSeconds(60), () -> a.assignment().size() == 2 && b.assignment().size() == 2,
                "a 2/2 split", a, b);
        pollFor(Duration.ofSeconds(2), null, a, b);   // let the group settle: no rebalance pending
        // A joined first, so it leads (the leader keeps its role across rebalances while it rejoins).

        final RecordingListener listenerA2 = new RecordingListener();
        final KafkaConsumer<String, String> a2 = restartStatic(group, topic, "static-a", a, listenerA2, b, listenerB);
        try {
            restartStatic(group, topic, "static-b", b, new RecordingListener(), a2, listenerA2).close();
        } finally {
            a2.close();
        }
    }

    /**
     * Closes static member {@code victim} (no LeaveGroup) and starts a consumer with the same instance id; checks that
     * it gets the same partitions within the session timeout while {@code other} sees no rebalance. Returns the new
     * consumer.
     */
    private static KafkaConsumer<String, String> restartStatic(final String group, final String topic,
            final String instanceId, final KafkaConsumer<String, String> victim, final RecordingListener newListener,
            final KafkaConsumer<String, String> other, final RecordingListener otherListener) throws Exception {
        final Set<TopicPartition> victimPartitions = Set.copyOf(victim.assignment());
        final Set<TopicPartition> otherPartitions = Set.copyOf(other.assignment());
        final ConsumerGroupMetadata otherBefore = other.groupMetadata();
        final String victimMemberId = victim.groupMetadata().memberId();
        final int otherCalls = otherListener.calls();
        assertEquals(GroupState.STABLE, describe(group).groupState());

        victim.close(Duration.ofSeconds(5));   // a static member does not leave the group
        final long closedAt = System.nanoTime();
        final KafkaConsumer<String, String> again = member(group, "group.instance.id", instanceId);
        again.subscribe(List.of(topic), newListener);
        pollUntil(Duration.ofSeconds(SESSION_TIMEOUT_MS / 1000 - 1), () -> !again.assignment().isEmpty(),
                "the restarted static member " + instanceId + " gets partitions", again, other);
        assertTrue(System.nanoTime() - closedAt < SESSION_TIMEOUT_MS * 1_000_000L, "rejoined too late to test");
        assertEquals(victimPartitions, again.assignment());
        pollFor(Duration.ofSeconds(3), null, again, other);   // several heartbeats: a rebalance would show

        assertEquals(victimPartitions, again.assignment());
        assertEquals(otherPartitions, other.assignment());
        assertEquals(otherCalls, otherListener.calls(), "the other member saw a rebalance: " + otherListener);
        assertEquals(List.of(victimPartitions), newListener.assigned, "the new incarnation: " + newListener);
        assertEquals(otherBefore.generationId(), other.groupMetadata().generationId());
        assertEquals(otherBefore.memberId(), other.groupMetadata().memberId());
        assertEquals(otherBefore.generationId(), again.groupMetadata().generationId());
        assertFalse(victimMemberId.equals(again.groupMetadata().memberId()), "a new incarnation gets a new member id");

        final ConsumerGroupDescription after = describe(group);
        assertEquals(GroupState.STABLE, after.groupState());
        assertEquals(2, after.members().size(), after.toString());
        final Map<String, MemberDescription> byMemberId = new ConcurrentHashMap<>();
        after.members().forEach(m -> byMemberId.put(m.consumerId(), m));
        assertEquals(Optional.of(instanceId), byMemberId.get(again.groupMetadata().memberId()).groupInstanceId());
        assertEquals(victimPartitions, byMemberId.get(again.groupMetadata().memberId()).assignment().topicPartitions());
        assertEquals(otherPartitions, byMemberId.get(otherBefore.memberId()).assignment().topicPartitions());
        return again;
    }

    /** Two consumers with the same {@code group.instance.id}: the newer one fences the older, which fails fatally. */
    @Test
    void aSecondConsumerWithTheSameInstanceIdFencesTheFirst() throws Exception {
        final String topic = "fenced";
        createTopic(topic, 2);
        final String group = "g-fenced";
        try (KafkaConsumer<String, String> first = member(group, "group.instance.id", "twin")) {
            first.subscribe(List.of(topic));
            pollUntil(Duration.ofSeconds(30), () -> first.assignment().size() == 2, "the first twin's assignment", first);
            try (KafkaConsumer<String, String> second = member(group, "group.instance.id", "twin")) {
                second.subscribe(List.of(topic));
                pollUntil(Duration.ofSeconds(30), () -> second.assignment().size() == 2, "the second twin's assignment",
                        second);
                final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                assertThrows(FencedInstanceIdException.class, () -> {
                    while (System.nanoTime() < deadline) {
                        first.poll(Duration.ofMillis(100));
                    }
                }, "the old incarnation was not fenced");
                pollFor(Duration.ofSeconds(1), null, second);
                assertEquals(2, second.assignment().size());
                final ConsumerGroupDescription described = describe(group);
                assertEquals(1, described.members().size(), described.toString());
                assertEquals(second.groupMetadata().memberId(), described.members().iterator().next().consumerId());
            }
        }
    }

    /**
     * A static member that went away stays in the group until its session times out; an operator removes it at once
     * with {@code Admin.removeMembersFromConsumerGroup} (LeaveGroup by instance id), and the others take over.
     */
    @Test
    void aGoneStaticMemberIsRemovedByInstanceIdAndTheOthersTakeOverAtOnce() throws Exception {
        final String topic = "remove-static";
        createTopic(topic, 4);
        final String group = "g-remove-static";
        final String longSession = "60000";
        final KafkaConsumer<String, String> a = member(group, "group.instance.id", "removable",
                "session.timeout.ms", longSession);
        try (KafkaConsumer<String, String> b = member(group, "session.timeout.ms", longSession)) {
            a.subscribe(List.of(topic));
            b.subscribe(List.of(topic));
            pollUntil(Duration.ofSeconds(60), () -> a.assignment().size() == 2 && b.assignment().size() == 2,
                    "a 2/2 split", a, b);
            a.close(Duration.ofSeconds(5));   // static: no LeaveGroup; its partitions are orphaned for 60 s
            pollFor(Duration.ofSeconds(1), null, b);
            assertEquals(2, b.assignment().size());
            assertEquals(2, describe(group).members().size());

            final long removedAt = System.nanoTime();
            try (Admin admin = Admin.create(broker.clientProperties())) {
                admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(
                        List.of(new MemberToRemove("removable")))).all().get(20, TimeUnit.SECONDS);
            }
            pollUntil(Duration.ofSeconds(30), () -> b.assignment().size() == 4, "B takes all partitions", b);
            assertTrue(System.nanoTime() - removedAt < Duration.ofSeconds(30).toNanos());
            final ConsumerGroupDescription described = describe(group);
            assertEquals(1, described.members().size(), described.toString());
            assertTrue(described.members().iterator().next().groupInstanceId().isEmpty());
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
