package io.ailurus.kafka.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.cluster.metadata.LocalTopicStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group coordinator's state machine on a manual clock: rebalances, timers, offsets, transactions, replay. */
class GroupCoordinatorStateTest {

    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 30_000;
    private static final int INITIAL_DELAY_MS = 3_000;
    private static final GroupSettings SETTINGS = new GroupSettings(1, 100 << 20, 6_000, 300_000, INITIAL_DELAY_MS,
            Duration.ofDays(7).toMillis(), 4096, 100, 45_000, 5_000);
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);

    @TempDir
    Path dir;
    private LocalTopicStore topics;
    private ManualCoordinator c;

    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dir);
        topics.create("orders", 2, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        c = new ManualCoordinator(SETTINGS, topics);
    }

    @AfterEach
    void tearDown() throws Exception {
        topics.close();
    }

    // ------------------------------------------------------------------------------------------------ rebalances

    @Test
    void twoMembersFormAGenerationAndGetTheirAssignmentOnlyOnceItIsStored() {
        final String a = joinNew("g", "a");
        final String b = joinNew("g", "b");
        final List<JoinGroupResponseData> joinA = new ArrayList<>();
        final List<JoinGroupResponseData> joinB = new ArrayList<>();
        c.state.join(join("g", a, "a", joinA::add), c.now());
        c.state.join(join("g", b, "b", joinB::add), c.now());
        assertTrue(joinA.isEmpty() && joinB.isEmpty(), "a new group waits for its initial delay");
        c.advance(INITIAL_DELAY_MS);
        assertEquals(1, joinA.size());
        assertEquals(1, joinB.size());
        assertEquals(1, joinA.get(0).generationId());
        assertEquals(a, joinA.get(0).leader(), "the first member leads");
        assertEquals(2, joinA.get(0).members().size(), "the leader gets the members");
        assertTrue(joinB.get(0).members().isEmpty());

        final List<SyncGroupResponseData> syncA = new ArrayList<>();
        final List<SyncGroupResponseData> syncB = new ArrayList<>();
        c.state.sync(sync("g", b, 1, Map.of()), syncB::add, c.now());
        c.state.sync(sync("g", a, 1, Map.of(a, new byte[] {1}, b, new byte[] {2})), syncA::add, c.now());
        assertTrue(syncA.isEmpty() && syncB.isEmpty(), "no member learns an assignment that is not durable");
        assertEquals(1, c.pendingWrites().size());
        c.completeWrites();
        assertEquals(List.of((byte) 1), bytes(syncA.get(0).assignment()));
        assertEquals(List.of((byte) 2), bytes(syncB.get(0).assignment()));
        assertEquals(Errors.NONE, c.state.heartbeat(heartbeat("g", a, 1), c.now()));
        assertEquals("Stable", c.state.describe("g", (short) 5).groupState());
    }

    @Test
    void aFailedAssignmentWriteFailsTheSyncAndRestartsTheRebalance() {
        final String a = stableGroupOfOne("g", "a");
        final String b = joinNew("g", "b");
        final List<JoinGroupResponseData> joinB = new ArrayList<>();
        c.state.join(join("g", b, "b", joinB::add), c.now());
        final List<JoinGroupResponseData> joinA = new ArrayList<>();
        c.state.join(join("g", a, "a", joinA::add), c.now());
        assertEquals(2, joinA.get(0).generationId());
        final List<SyncGroupResponseData> sync = new ArrayList<>();
        c.state.sync(sync("g", a, 2, Map.of(a, new byte[] {1})), sync::add, c.now());
        c.failWrites(Errors.NOT_COORDINATOR);
        assertEquals(Errors.NOT_COORDINATOR.code(), sync.get(0).errorCode());
        assertEquals("PreparingRebalance", c.state.describe("g", (short) 5).groupState());
        assertEquals(Errors.REBALANCE_IN_PROGRESS, c.state.heartbeat(heartbeat("g", b, 2), c.now()));
    }

    @Test
    void aMemberThatStopsHeartbeatingExpiresAndTheOthersRebalance() {
        final String a = joinNew("g", "a");
        final String b = joinNew("g", "b");
        c.state.join(join("g", a, "a", r -> { }), c.now());
        c.state.join(join("g", b, "b", r -> { }), c.now());
        c.advance(INITIAL_DELAY_MS);
        c.state.sync(sync("g", a, 1, Map.of()), r -> { }, c.now());
        c.completeWrites();
        // The sessions run from the end of the join; a heartbeats, b never does.
        for (int i = 0; i < 2; i++) {
            c.advance(SESSION_MS * 2 / 5);
            assertEquals(Errors.NONE, c.state.heartbeat(heartbeat("g", a, 1), c.now()));
        }
        c.advance(SESSION_MS / 5 + 1);
        assertEquals(Errors.REBALANCE_IN_PROGRESS, c.state.heartbeat(heartbeat("g", a, 1), c.now()),
                "b sent nothing for longer than its session timeout");
        assertEquals(Errors.UNKNOWN_MEMBER_ID, c.state.heartbeat(heartbeat("g", b, 1), c.now()));
        final List<JoinGroupResponseData> rejoin = new ArrayList<>();
        c.state.join(join("g", a, "a", rejoin::add), c.now());
        assertEquals(2, rejoin.get(0).generationId());
        assertEquals(1, rejoin.get(0).members().size());
    }

    @Test
    void membersThatDoNotRejoinWithinTheRebalanceTimeoutAreDropped() {
        final String a = joinNew("g", "a");
        final String b = joinNew("g", "b");
        c.state.join(join("g", a, "a", r -> { }), c.now());
        c.state.join(join("g", b, "b", r -> { }), c.now());
        c.advance(INITIAL_DELAY_MS);
        c.state.sync(sync("g", a, 1, Map.of()), r -> { }, c.now());
        c.completeWrites();
        final List<JoinGroupResponseData> rejoin = new ArrayList<>();
        c.state.join(join("g", a, "a", rejoin::add), c.now());   // the leader rejoins: a rebalance
        // b keeps heartbeating (told to rejoin) but never does.
        for (long t = 2_000; t < REBALANCE_MS; t += 2_000) {
            c.advance(2_000);
            assertEquals(Errors.REBALANCE_IN_PROGRESS, c.state.heartbeat(heartbeat("g", b, 1), c.now()));
        }
        assertTrue(rejoin.isEmpty());
        c.advance(2_000);
        assertEquals(1, rejoin.size());
        assertEquals(2, rejoin.get(0).generationId());
        assertEquals(List.of(a), rejoin.get(0).members().stream().map(m -> m.memberId()).toList());
    }

    @Test
    void aNewMemberOfAStableGroupWhoseOldMemberExpiresIsAnsweredAtTheExpiryNotAtTheRebalanceTimeout() {
        final String a = stableGroupOfOne("g", "a");
        c.advance(SESSION_MS - 1_000);   // a has gone quiet; its session ends in a second
        final String b = joinNew("g", "b");
        final List<JoinGroupResponseData> joinB = new ArrayList<>();
        c.state.join(join("g", b, "b", joinB::add), c.now());
        assertTrue(joinB.isEmpty(), "waits for a to rejoin");
        c.advance(1_000);   // a expires, within the initial delay of b's join: that delay is for groups that were Empty
        assertEquals(1, joinB.size(), "answered when a expired, not after the " + REBALANCE_MS + " ms rebalance timeout");
        assertEquals(2, joinB.get(0).generationId());
        assertEquals(b, joinB.get(0).leader());
        assertEquals(Errors.UNKNOWN_MEMBER_ID, c.state.heartbeat(heartbeat("g", a, 1), c.now()));
    }

    @Test
    void aCoordinatorThatMovesAwayAnswersParkedJoinsAndWritesInFlightWithNotCoordinator() {
        final List<JoinGroupResponseData> parked = new ArrayList<>();
        final String a = joinNew("g", "a");
        c.state.join(join("g", a, "a", parked::add), c.now());   // waits for the initial delay
        final List<OffsetCommitResponseData> commit = new ArrayList<>();
        c.state.commit(commit("h", ORDERS_0, 1), commit::add, c.now());   // its write in flight
        c.state.unload(c.now());
        assertEquals(Errors.NOT_COORDINATOR.code(), parked.get(0).errorCode());
        assertEquals(Errors.NOT_COORDINATOR.code(), commit.get(0).topics().get(0).partitions().get(0).errorCode());
    }

    @Test
    void aStaticMemberBackUnderANewIdKeepsItsAssignmentAndFencesItsOldIncarnation() {
        final List<JoinGroupResponseData> first = new ArrayList<>();
        c.state.join(join("g", "", "a", "instance-1", first::add), c.now());
        c.advance(INITIAL_DELAY_MS);
        final String oldId = first.get(0).memberId();
        c.state.sync(sync("g", oldId, 1, Map.of(oldId, new byte[] {7})).setGroupInstanceId("instance-1"), r -> { }, c.now());
        c.completeWrites();

        final List<JoinGroupResponseData> back = new ArrayList<>();
        c.state.join(join("g", "", "a", "instance-1", back::add), c.now());
        assertTrue(back.isEmpty(), "answered once the new id is stored");
        c.completeWrites();
        final String newId = back.get(0).memberId();
        assertNotEquals(oldId, newId);
        assertEquals(1, back.get(0).generationId(), "no rebalance");
        assertEquals(Errors.FENCED_INSTANCE_ID, c.state.heartbeat(heartbeat("g", oldId, 1).setGroupInstanceId("instance-1"),
                c.now()));
        final List<SyncGroupResponseData> sync = new ArrayList<>();
        c.state.sync(sync("g", newId, 1, Map.of()).setGroupInstanceId("instance-1"), sync::add, c.now());
        assertEquals(List.of((byte) 7), bytes(sync.get(0).assignment()));
    }

    @Test
    void anUnusedMemberIdExpiresAndTheLastLeaveEmptiesTheGroupAtOnce() {
        final String a = stableGroupOfOne("g", "a");
        joinNew("g", "b");   // handed an id, never joins with it
        c.advance(SESSION_MS / 2);
        assertEquals(Errors.NONE, c.state.heartbeat(heartbeat("g", a, 1), c.now()));
        c.advance(SESSION_MS / 2 + 1);
        assertEquals(Errors.NONE, c.state.heartbeat(heartbeat("g", a, 1), c.now()), "the pending id caused no rebalance");
        c.state.leave(new LeaveGroupRequestData().setGroupId("g").setMembers(List.of(
                new LeaveGroupRequestData.MemberIdentity().setMemberId(a))), (short) 3, c.now());
        assertEquals("Empty", c.state.describe("g", (short) 5).groupState());
        c.completeWrites();
        final List<Errors> deleted = new ArrayList<>();
        c.state.deleteGroup("g", deleted::add, c.now());
        c.completeWrites();
        assertEquals(List.of(Errors.NONE), deleted);
        assertEquals("Dead", c.state.describe("g", (short) 5).groupState());
    }

    // ------------------------------------------------------------------------------------------------ offsets

    @Test
    void aCommitIsVisibleOnlyOnceDurableAndAFailedOneNever() {
        final List<OffsetCommitResponseData> answers = new ArrayList<>();
        c.state.commit(commit("g", ORDERS_0, 42), answers::add, c.now());
        assertTrue(answers.isEmpty());
        assertTrue(fetched("g").isEmpty());
        c.completeWrites();
        assertEquals(Errors.NONE.code(), answers.get(0).topics().get(0).partitions().get(0).errorCode());
        assertEquals(42, fetched("g").get(ORDERS_0).offset());

        c.state.commit(commit("g", ORDERS_0, 43), answers::add, c.now());
        c.failWrites(Errors.COORDINATOR_NOT_AVAILABLE);
        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code(), answers.get(1).topics().get(0).partitions().get(0).errorCode());
        assertEquals(42, fetched("g").get(ORDERS_0).offset());
    }

    @Test
    void aCommitForAnUnknownPartitionOrFromAStaleGenerationIsRefused() {
        final List<OffsetCommitResponseData> answers = new ArrayList<>();
        c.state.commit(commit("g", new TopicPartition("orders", 5), 1), answers::add, c.now());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), answers.get(0).topics().get(0).partitions().get(0).errorCode());
        final String a = stableGroupOfOne("h", "a");
        c.state.commit(commit("h", ORDERS_0, 1).setMemberId(a).setGenerationIdOrMemberEpoch(0), answers::add, c.now());
        assertEquals(Errors.ILLEGAL_GENERATION.code(), answers.get(1).topics().get(0).partitions().get(0).errorCode());
        assertTrue(c.pendingWrites().isEmpty(), "nothing refused is written");
    }

    @Test
    void transactionalOffsetsArePendingUntilTheMarkerCommitsThem() {
        c.state.commit(commit("g", ORDERS_1, 5), r -> { }, c.now());
        c.completeWrites();
        final List<TxnOffsetCommitResponseData> answers = new ArrayList<>();
        c.state.txnCommit(txnCommit("g", 77, ORDERS_0, 100), answers::add, c.now());
        c.completeWrites();
        assertEquals(Errors.NONE.code(), answers.get(0).topics().get(0).partitions().get(0).errorCode());
        assertNull(fetched("g").get(ORDERS_0), "invisible before the marker");
        assertEquals(Set.of(ORDERS_0), c.state.fetch("g", List.of(ORDERS_0, ORDERS_1), true).unstable());
        c.writeMarker(77, (short) 0, true);
        assertEquals(100, fetched("g").get(ORDERS_0).offset());
        assertEquals(5, fetched("g").get(ORDERS_1).offset());

        c.state.txnCommit(txnCommit("g", 78, ORDERS_1, 200), r -> { }, c.now());
        c.completeWrites();
        c.writeMarker(78, (short) 0, false);
        assertEquals(5, fetched("g").get(ORDERS_1).offset(), "an aborted transaction's offset never shows");
        assertTrue(c.state.fetch("g", List.of(ORDERS_1), true).unstable().isEmpty());
    }

    @Test
    void aRestartedCoordinatorRebuildsGroupsOffsetsAndOpenTransactionsFromTheLog() {
        final String a = stableGroupOfOne("g", "a");
        c.state.commit(commit("g", ORDERS_0, 10).setMemberId(a).setGenerationIdOrMemberEpoch(1), r -> { }, c.now());
        c.state.txnCommit(txnCommit("t", 9, ORDERS_1, 300), r -> { }, c.now());
        c.completeWrites();
        c.state.commit(commit("g", ORDERS_0, 11).setMemberId(a).setGenerationIdOrMemberEpoch(1), r -> { }, c.now());
        c.completeWrites();

        final ManualCoordinator restarted = c.restarted(SETTINGS, topics);
        assertEquals(11, restarted.state.fetch("g", null, false).offsets().get(ORDERS_0).offset(), "the newest record wins");
        assertEquals(Errors.NONE, restarted.state.heartbeat(heartbeat("g", a, 1), restarted.now()), "the member is known");
        assertEquals(Set.of(ORDERS_1), restarted.state.fetch("t", List.of(ORDERS_1), true).unstable());
        restarted.writeMarker(9, (short) 0, true);
        assertEquals(300, restarted.state.fetch("t", null, false).offsets().get(ORDERS_1).offset());
        restarted.advance(SESSION_MS + 1);
        assertEquals(Errors.UNKNOWN_MEMBER_ID, restarted.state.heartbeat(heartbeat("g", a, 1), restarted.now()),
                "a member brought back by the replay still has to heartbeat within its session");
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterTheRetentionAndTheGroupIsForgotten() {
        c.state.commit(commit("g", ORDERS_0, 1), r -> { }, c.now());
        c.completeWrites();
        c.advance(Duration.ofDays(6).toMillis());
        c.state.expireOffsets(c.now());
        assertTrue(c.pendingWrites().isEmpty());
        c.advance(Duration.ofDays(1).toMillis() + 1);
        c.state.expireOffsets(c.now());
        c.completeWrites();
        assertTrue(fetched("g").isEmpty());
        assertTrue(c.state.list().isEmpty());
        final ManualCoordinator restarted = c.restarted(SETTINGS, topics);
        assertTrue(restarted.state.fetch("g", null, false).offsets().isEmpty(), "the tombstone holds on replay");
    }

    @Test
    void offsetsOfASubscribedTopicCannotBeDeletedButADeletedGroupTakesItsOpenTransactionsOffsetsAlong() {
        final String a = stableGroupOfOne("g", "a");
        c.state.commit(commit("g", ORDERS_0, 3).setMemberId(a).setGenerationIdOrMemberEpoch(1), r -> { }, c.now());
        c.completeWrites();
        final List<GroupCoordinatorShard.DeletedOffsets> deleted = new ArrayList<>();
        c.state.deleteOffsets("g", List.of(ORDERS_0), deleted::add, c.now());
        assertEquals(Errors.GROUP_SUBSCRIBED_TO_TOPIC, deleted.get(0).partitions().get(ORDERS_0));

        c.state.leave(new LeaveGroupRequestData().setGroupId("g").setMembers(List.of(
                new LeaveGroupRequestData.MemberIdentity().setMemberId(a))), (short) 3, c.now());
        c.completeWrites();
        c.state.txnCommit(txnCommit("g", 5, ORDERS_1, 9), r -> { }, c.now());
        c.completeWrites();
        final List<Errors> groupDeleted = new ArrayList<>();
        c.state.deleteGroup("g", groupDeleted::add, c.now());
        c.completeWrites();
        assertEquals(List.of(Errors.NONE), groupDeleted);
        c.writeMarker(5, (short) 0, true);
        assertTrue(fetched("g").isEmpty(), "the COMMIT of an open transaction does not bring the deleted group back");
        assertTrue(c.restarted(SETTINGS, topics).state.fetch("g", null, false).offsets().isEmpty(), "nor on replay");
    }

    // ------------------------------------------------------------------------------------------------ consumer protocol

    @Test
    void aConsumerProtocolMemberGetsPartitionsAndExpiresWithoutHeartbeats() {
        final ConsumerGroupHeartbeatResponseData joined = c.state.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData()
                .setGroupId("cg").setMemberId("").setMemberEpoch(0).setRebalanceTimeoutMs(REBALANCE_MS)
                .setSubscribedTopicNames(List.of("orders")).setTopicPartitions(List.of()), "client", "/127.0.0.1", c.now());
        assertEquals(Errors.NONE.code(), joined.errorCode());
        assertEquals(2, joined.assignment().topicPartitions().get(0).partitions().size());
        assertEquals("consumer", c.state.list().get(0).groupType());
        c.advance(45_000 + 1);
        assertTrue(c.state.list().isEmpty(), "expired after the consumer session timeout");
    }

    @Test
    void aConsumerProtocolMemberThatKeepsARevokedPartitionPastItsRebalanceTimeoutIsFenced() {
        final ConsumerGroupHeartbeatResponseData a = consumerJoin("cg", 10_000);
        assertEquals(2, a.assignment().topicPartitions().get(0).partitions().size());
        final ConsumerGroupHeartbeatResponseData b = consumerJoin("cg", 10_000);
        assertTrue(b.assignment().topicPartitions().isEmpty(), "b waits for a to give a partition up");
        // a heartbeats, learns it must give one partition up, and keeps reporting both.
        final ConsumerGroupHeartbeatResponseData told = consumerHeartbeat("cg", a.memberId(), a.memberEpoch(),
                List.of(0, 1));
        assertEquals(1, told.assignment().topicPartitions().get(0).partitions().size());
        c.advance(10_000 + 1);
        final ConsumerGroupHeartbeatResponseData fenced = consumerHeartbeat("cg", a.memberId(), told.memberEpoch(),
                List.of(0, 1));
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), fenced.errorCode(), "fenced at its rebalance timeout");
        final ConsumerGroupHeartbeatResponseData bNow = consumerHeartbeat("cg", b.memberId(), b.memberEpoch(), List.of());
        assertEquals(2, bNow.assignment().topicPartitions().get(0).partitions().size(), "b gets everything");
    }

    private ConsumerGroupHeartbeatResponseData consumerJoin(final String group, final int rebalanceTimeoutMs) {
        return c.state.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId("")
                .setMemberEpoch(0).setRebalanceTimeoutMs(rebalanceTimeoutMs).setSubscribedTopicNames(List.of("orders"))
                .setTopicPartitions(List.of()), "client", "/127.0.0.1", c.now());
    }

    private ConsumerGroupHeartbeatResponseData consumerHeartbeat(final String group, final String memberId,
            final int epoch, final List<Integer> owned) {
        final List<ConsumerGroupHeartbeatRequestData.TopicPartitions> partitions = owned.isEmpty() ? List.of()
                : List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                        .setTopicId(topics.topic("orders").orElseThrow().id()).setPartitions(owned));
        return c.state.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId)
                .setMemberEpoch(epoch).setTopicPartitions(partitions), "client", "/127.0.0.1", c.now());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Joins with no member id (v4+): the coordinator hands out one and keeps it pending. */
    private String joinNew(final String group, final String client) {
        final List<JoinGroupResponseData> out = new ArrayList<>();
        c.state.join(join(group, "", client, out::add), c.now());
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), out.get(0).errorCode());
        return out.get(0).memberId();
    }

    /** A group with one member, stable in generation 1; returns the member id. */
    private String stableGroupOfOne(final String group, final String client) {
        final String id = joinNew(group, client);
        c.state.join(join(group, id, client, r -> { }), c.now());
        c.advance(INITIAL_DELAY_MS);
        c.state.sync(sync(group, id, 1, Map.of(id, new byte[0])), r -> { }, c.now());
        c.completeWrites();
        return id;
    }

    private static ClassicGroupProtocol.JoinCall join(final String group, final String memberId, final String clientId,
            final java.util.function.Consumer<JoinGroupResponseData> reply) {
        return join(group, memberId, clientId, null, reply);
    }

    private static ClassicGroupProtocol.JoinCall join(final String group, final String memberId, final String clientId,
            final String instanceId, final java.util.function.Consumer<JoinGroupResponseData> reply) {
        final JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(subscription()));
        return new ClassicGroupProtocol.JoinCall(new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setGroupInstanceId(instanceId).setProtocolType("consumer").setProtocols(protocols).setSessionTimeoutMs(SESSION_MS)
                .setRebalanceTimeoutMs(REBALANCE_MS), (short) 9, clientId, "/127.0.0.1", reply);
    }

    private static byte[] subscription() {
        final ByteBuffer b = ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of("orders")));
        final byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static SyncGroupRequestData sync(final String group, final String memberId, final int generation,
            final Map<String, byte[]> assignments) {
        final List<SyncGroupRequestData.SyncGroupRequestAssignment> list = new ArrayList<>();
        assignments.forEach((m, a) -> list.add(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(m)
                .setAssignment(a)));
        return new SyncGroupRequestData().setGroupId(group).setMemberId(memberId).setGenerationId(generation)
                .setProtocolType("consumer").setProtocolName("range").setAssignments(list);
    }

    private static HeartbeatRequestData heartbeat(final String group, final String memberId, final int generation) {
        return new HeartbeatRequestData().setGroupId(group).setMemberId(memberId).setGenerationId(generation);
    }

    private static OffsetCommitRequestData commit(final String group, final TopicPartition tp, final long offset) {
        return new OffsetCommitRequestData().setGroupId(group).setGenerationIdOrMemberEpoch(-1).setMemberId("")
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(tp.topic())
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(tp.partition()).setCommittedOffset(offset)))));
    }

    private static TxnOffsetCommitRequestData txnCommit(final String group, final long producerId, final TopicPartition tp,
            final long offset) {
        return new TxnOffsetCommitRequestData().setGroupId(group).setProducerId(producerId).setProducerEpoch((short) 0)
                .setGenerationId(-1).setMemberId("").setTransactionalId("tx-" + producerId)
                .setTopics(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName(tp.topic())
                        .setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(tp.partition()).setCommittedOffset(offset)))));
    }

    private Map<TopicPartition, ClassicGroup.CommittedOffset> fetched(final String group) {
        return c.state.fetch(group, null, false).offsets();
    }

    private static List<Byte> bytes(final byte[] b) {
        final List<Byte> out = new ArrayList<>();
        for (final byte x : b) {
            out.add(x);
        }
        return out;
    }
}
