package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group requests that break the rules, sent raw: each gets Kafka's error for it, and a member that joins and then
 * goes silent is expired after its session timeout instead of holding the group.
 */
@Timeout(180)
class GroupBadInputIT {

    private static final String TOPIC = "group-input";
    private static final short JOIN_VERSION = 9;
    private static final short SYNC_VERSION = 5;
    private static final short HEARTBEAT_VERSION = 4;
    private static final short COMMIT_VERSION = 8;
    private static final int SESSION_MS = 30_000;

    @TempDir
    static Path dataDir;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir, Map.of(
                "ailurus.groups.initial-rebalance-delay", "0s",
                "ailurus.groups.min-session-timeout", "1s",
                "ailurus.groups.max-session-timeout", "60s",
                "ailurus.groups.offsets-topic-partitions", 4));
        broker.node().services().topics().create(TOPIC, 2, (short) 1, Map.of(), false).get();
        broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    // ------------------------------------------------------------------------------------------------ requests

    private static RawConnection connect() throws Exception {
        return new RawConnection(broker.node().kafkaPort());
    }

    /** Waits until the group's coordinator is loaded (FindCoordinator answers). */
    private static void awaitCoordinator(final RawConnection c, final String group) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            final FindCoordinatorResponse r = (FindCoordinatorResponse) c.roundTrip(new FindCoordinatorRequest.Builder(
                    new FindCoordinatorRequestData().setKeyType((byte) 0).setCoordinatorKeys(List.of(group)))
                    .build((short) 4));
            if (r.data().coordinators().get(0).errorCode() == Errors.NONE.code()) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the coordinator of " + group + " did not load");
            Thread.sleep(100);
        }
    }

    private static JoinGroupRequestData joinData(final String group, final String memberId, final int sessionMs) {
        final byte[] subscription = Utils.toArray(ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of(TOPIC))));
        final JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(subscription));
        return new JoinGroupRequestData().setGroupId(group).setMemberId(memberId).setSessionTimeoutMs(sessionMs)
                .setRebalanceTimeoutMs(10_000).setProtocolType("consumer").setProtocols(protocols);
    }

    private static JoinGroupResponseData join(final RawConnection c, final JoinGroupRequestData data, final short version)
            throws Exception {
        return ((JoinGroupResponse) c.roundTrip(new JoinGroupRequest.Builder(data).build(version))).data();
    }

    /** A member that joins (MEMBER_ID_REQUIRED, then the join with its id) and is alone in its generation. */
    private static JoinGroupResponseData joinAlone(final RawConnection c, final String group, final int sessionMs)
            throws Exception {
        awaitCoordinator(c, group);
        final JoinGroupResponseData first = join(c, joinData(group, "", sessionMs), JOIN_VERSION);
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
        final JoinGroupResponseData joined = join(c, joinData(group, first.memberId(), sessionMs), JOIN_VERSION);
        assertEquals(Errors.NONE.code(), joined.errorCode());
        assertEquals(first.memberId(), joined.memberId());
        assertEquals(joined.memberId(), joined.leader());
        return joined;
    }

    private static SyncGroupResponseData sync(final RawConnection c, final String group, final String memberId,
            final int generation, final byte[] assignment) throws Exception {
        final SyncGroupRequestData data = new SyncGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setGenerationId(generation).setProtocolType("consumer").setProtocolName("range");
        if (assignment != null) {
            data.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(memberId)
                    .setAssignment(assignment));
        }
        return ((SyncGroupResponse) c.roundTrip(new SyncGroupRequest.Builder(data).build(SYNC_VERSION))).data();
    }

    /** Joins and syncs a lone member: the group is Stable at the returned generation. */
    private static JoinGroupResponseData stableMember(final RawConnection c, final String group) throws Exception {
        final JoinGroupResponseData joined = joinAlone(c, group, SESSION_MS);
        final byte[] assignment = Utils.toArray(ConsumerProtocol.serializeAssignment(
                new ConsumerPartitionAssignor.Assignment(List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1)))));
        assertEquals(Errors.NONE.code(), sync(c, group, joined.memberId(), joined.generationId(), assignment).errorCode());
        assertEquals("Stable", describe(c, group).groupState());
        return joined;
    }

    private static Errors commit(final RawConnection c, final String group, final String memberId, final int generation,
            final String topic, final int partition) throws Exception {
        final OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(group).setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation);
        data.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(topic).setPartitions(List.of(
                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(partition)
                        .setCommittedOffset(1))));
        final OffsetCommitResponseData r = ((OffsetCommitResponse) c.roundTrip(
                OffsetCommitRequest.Builder.forTopicNames(data).build(COMMIT_VERSION))).data();
        return Errors.forCode(r.topics().get(0).partitions().get(0).errorCode());
    }

    private static Errors heartbeat(final RawConnection c, final String group, final String memberId, final int generation)
            throws Exception {
        return Errors.forCode(((HeartbeatResponse) c.roundTrip(new HeartbeatRequest.Builder(new HeartbeatRequestData()
                .setGroupId(group).setMemberId(memberId).setGenerationId(generation)).build(HEARTBEAT_VERSION)))
                .data().errorCode());
    }

    private static DescribeGroupsResponseData.DescribedGroup describe(final RawConnection c, final String group)
            throws Exception {
        return ((DescribeGroupsResponse) c.roundTrip(new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData()
                .setGroups(List.of(group))).build((short) 5))).data().groups().get(0);
    }

    // ------------------------------------------------------------------------------------------------ commits

    @Test
    void aCommitFromAnUnknownMemberOfAnExistingGroupIsRefused() throws Exception {
        try (RawConnection c = connect()) {
            final JoinGroupResponseData member = stableMember(c, "bad-unknown-member");
            assertEquals(Errors.UNKNOWN_MEMBER_ID,
                    commit(c, "bad-unknown-member", "no-such-member", member.generationId(), TOPIC, 0));
            // Without member id and generation (an admin-style commit) while the group has members: refused too.
            assertEquals(Errors.UNKNOWN_MEMBER_ID, commit(c, "bad-unknown-member", "", -1, TOPIC, 0));
            assertEquals(Errors.NONE, commit(c, "bad-unknown-member", member.memberId(), member.generationId(), TOPIC, 0));
        }
    }

    @Test
    void aCommitWithAnOldOrFutureGenerationIsRefused() throws Exception {
        try (RawConnection c = connect()) {
            final JoinGroupResponseData member = stableMember(c, "bad-generation");
            assertTrue(member.generationId() >= 1);
            assertEquals(Errors.ILLEGAL_GENERATION,
                    commit(c, "bad-generation", member.memberId(), member.generationId() - 1, TOPIC, 0));
            assertEquals(Errors.ILLEGAL_GENERATION,
                    commit(c, "bad-generation", member.memberId(), member.generationId() + 1, TOPIC, 0));
        }
    }

    @Test
    void aCommitWithAGenerationToAGroupThatDoesNotExistIsRefused() throws Exception {
        try (RawConnection c = connect()) {
            awaitCoordinator(c, "bad-no-group");
            assertEquals(Errors.ILLEGAL_GENERATION, commit(c, "bad-no-group", "someone", 3, TOPIC, 0));
            assertEquals("Dead", describe(c, "bad-no-group").groupState(), "no group was created");
        }
    }

    @Test
    void aCommitForAnUnknownTopicOrPartitionIsRefused() throws Exception {
        try (RawConnection c = connect()) {
            awaitCoordinator(c, "bad-topic");
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, commit(c, "bad-topic", "", -1, "no-such-topic", 0));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, commit(c, "bad-topic", "", -1, TOPIC, 2));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, commit(c, "bad-topic", "", -1, TOPIC, -1));
            final JoinGroupResponseData member = stableMember(c, "bad-topic-member");
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    commit(c, "bad-topic-member", member.memberId(), member.generationId(), "no-such-topic", 0));
        }
    }

    // ------------------------------------------------------------------------------------------------ joins

    @Test
    void aSessionTimeoutOutsideTheBrokersBoundsIsRefused() throws Exception {
        try (RawConnection c = connect()) {
            awaitCoordinator(c, "bad-session");
            assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(),
                    join(c, joinData("bad-session", "", 500), JOIN_VERSION).errorCode());
            assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(),
                    join(c, joinData("bad-session", "", 61_000), JOIN_VERSION).errorCode());
            assertEquals("Dead", describe(c, "bad-session").groupState(), "no group was created");
        }
    }

    @Test
    void aJoinWithoutMemberIdFromV4IsToldToComeBackWithTheIdItIsGiven() throws Exception {
        try (RawConnection c = connect()) {
            awaitCoordinator(c, "bad-member-id");
            final JoinGroupResponseData first = join(c, joinData("bad-member-id", "", SESSION_MS), JOIN_VERSION);
            assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
            assertFalse(first.memberId().isEmpty());
            assertTrue(first.memberId().startsWith("raw-test-"), first.memberId());
            final JoinGroupResponseData again = join(c, joinData("bad-member-id", first.memberId(), SESSION_MS), JOIN_VERSION);
            assertEquals(Errors.NONE.code(), again.errorCode());
            assertEquals(first.memberId(), again.memberId());
            assertEquals(1, again.generationId());
            // An id the coordinator never handed out is refused.
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(),
                    join(c, joinData("bad-member-id", "made-up-id", SESSION_MS), JOIN_VERSION).errorCode());
            // Before v4 there is no MEMBER_ID_REQUIRED round: the member joins at once.
            final JoinGroupResponseData v3 = join(c, joinData("bad-member-id-v3", "", SESSION_MS), (short) 3);
            assertEquals(Errors.NONE.code(), v3.errorCode());
            assertFalse(v3.memberId().isEmpty());
        }
    }

    @Test
    void aJoinWithAnotherProtocolTypeOrAnEmptyGroupIdIsRefused() throws Exception {
        try (RawConnection c = connect()) {
            stableMember(c, "bad-protocol");
            final JoinGroupRequestData other = joinData("bad-protocol", "", SESSION_MS).setProtocolType("connect");
            assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), join(c, other, (short) 3).errorCode());
            assertEquals(Errors.INVALID_GROUP_ID.code(), join(c, joinData("", "", SESSION_MS), JOIN_VERSION).errorCode());
        }
    }

    @Test
    void aMemberThatJoinsAndThenGoesSilentIsExpiredAfterItsSessionTimeout() throws Exception {
        final String group = "bad-silent";
        final int sessionMs = 2_000;
        try (RawConnection c = connect()) {
            final JoinGroupResponseData joined = joinAlone(c, group, sessionMs);
            final long joinedAt = System.nanoTime();
            DescribeGroupsResponseData.DescribedGroup described = describe(c, group);
            assertEquals("CompletingRebalance", described.groupState());
            assertEquals(1, described.members().size());
            assertEquals(joined.memberId(), described.members().get(0).memberId());
            // No SyncGroup, no heartbeat.
            final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!described.members().isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the silent member was never expired: " + described);
                Thread.sleep(100);
                described = describe(c, group);
            }
            final long tookMs = (System.nanoTime() - joinedAt) / 1_000_000;
            assertTrue(tookMs >= sessionMs - 300, "expired before its session timeout: " + tookMs + " ms");
            assertEquals("Empty", described.groupState());
            assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat(c, group, joined.memberId(), joined.generationId()));
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(),
                    sync(c, group, joined.memberId(), joined.generationId(), null).errorCode());
        }
        // The group is usable: a real consumer joins it and gets every partition.
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "group.id", group,
                "session.timeout.ms", "6000", "heartbeat.interval.ms", "500")) {
            consumer.subscribe(List.of(TOPIC));
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.assignment().size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100));
            }
            assertEquals(Set.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1)), consumer.assignment());
        }
    }

    /**
     * A static member that restarts (joins again with its instance id and no member id) into a stable group gets a new
     * member id and its old assignment without a rebalance; the old id is fenced. A returning leader is told to skip
     * the assignment (v9), and a client too old for that (v5) is not told it leads, so it does not assign either.
     */
    @Test
    void aReturningStaticMemberGetsItsAssignmentBackWithoutARebalance() throws Exception {
        final String group = "raw-static";
        try (RawConnection c = connect()) {
            awaitCoordinator(c, group);
            final JoinGroupResponseData first = join(c, joinData(group, "", SESSION_MS).setGroupInstanceId("i-1"), JOIN_VERSION);
            assertEquals(Errors.NONE.code(), first.errorCode(), "static members need no MEMBER_ID_REQUIRED round");
            assertEquals(first.memberId(), first.leader());
            final byte[] assignment = Utils.toArray(ConsumerProtocol.serializeAssignment(
                    new ConsumerPartitionAssignor.Assignment(List.of(new TopicPartition(TOPIC, 1)))));
            assertEquals(Errors.NONE.code(), sync(c, group, first.memberId(), first.generationId(), assignment).errorCode());

            final JoinGroupResponseData second = join(c, joinData(group, "", SESSION_MS).setGroupInstanceId("i-1"), JOIN_VERSION);
            assertEquals(Errors.NONE.code(), second.errorCode());
            assertFalse(second.memberId().equals(first.memberId()));
            assertEquals(first.generationId(), second.generationId(), "no rebalance");
            assertEquals(second.memberId(), second.leader());
            assertTrue(second.skipAssignment(), "the returning leader keeps the assignment it made");
            assertEquals(List.of(second.memberId()), second.members().stream().map(m -> m.memberId()).toList());
            assertEquals(Errors.FENCED_INSTANCE_ID, Errors.forCode(((HeartbeatResponse) c.roundTrip(
                    new HeartbeatRequest.Builder(new HeartbeatRequestData().setGroupId(group).setMemberId(first.memberId())
                            .setGroupInstanceId("i-1").setGenerationId(first.generationId())).build(HEARTBEAT_VERSION)))
                    .data().errorCode()));
            final SyncGroupResponseData synced = ((SyncGroupResponse) c.roundTrip(new SyncGroupRequest.Builder(
                    new SyncGroupRequestData().setGroupId(group).setMemberId(second.memberId()).setGroupInstanceId("i-1")
                            .setGenerationId(second.generationId()).setProtocolType("consumer").setProtocolName("range"))
                    .build(SYNC_VERSION))).data();
            assertEquals(Errors.NONE.code(), synced.errorCode());
            assertTrue(Arrays.equals(assignment, synced.assignment()), "the old assignment");

            final JoinGroupResponseData old = join(c, joinData(group, "", SESSION_MS).setGroupInstanceId("i-1"), (short) 5);
            assertEquals(Errors.NONE.code(), old.errorCode());
            assertEquals(first.generationId(), old.generationId(), "no rebalance");
            assertFalse(old.memberId().equals(old.leader()), "a v5 client must not think it leads: it would reassign");
            assertTrue(old.members().isEmpty());
            final DescribeGroupsResponseData.DescribedGroup described = describe(c, group);
            assertEquals("Stable", described.groupState());
            assertEquals(List.of(old.memberId()), described.members().stream().map(m -> m.memberId()).toList());
        }
    }

    // ------------------------------------------------------------------------------------------------ heartbeat, sync, leave

    @Test
    void aHeartbeatOrSyncWithTheWrongGenerationIsRefused() throws Exception {
        try (RawConnection c = connect()) {
            final JoinGroupResponseData member = stableMember(c, "bad-heartbeat");
            assertEquals(Errors.NONE, heartbeat(c, "bad-heartbeat", member.memberId(), member.generationId()));
            assertEquals(Errors.ILLEGAL_GENERATION,
                    heartbeat(c, "bad-heartbeat", member.memberId(), member.generationId() - 1));
            assertEquals(Errors.ILLEGAL_GENERATION,
                    heartbeat(c, "bad-heartbeat", member.memberId(), member.generationId() + 1));
            assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat(c, "bad-heartbeat", "no-such-member", member.generationId()));
            assertEquals(Errors.ILLEGAL_GENERATION.code(),
                    sync(c, "bad-heartbeat", member.memberId(), member.generationId() + 1, null).errorCode());
            assertEquals("Stable", describe(c, "bad-heartbeat").groupState(), "nothing changed");
        }
    }

    @Test
    void leavingAsAnUnknownMemberIsRefusedPerMember() throws Exception {
        try (RawConnection c = connect()) {
            final JoinGroupResponseData member = stableMember(c, "bad-leave");
            final LeaveGroupResponseData r = ((LeaveGroupResponse) c.roundTrip(new LeaveGroupRequest.Builder("bad-leave",
                    List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId("no-such-member"),
                            new LeaveGroupRequestData.MemberIdentity().setMemberId(member.memberId())))
                    .build((short) 5))).data();
            assertEquals(Errors.NONE.code(), r.errorCode());
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), r.members().get(0).errorCode());
            assertEquals(Errors.NONE.code(), r.members().get(1).errorCode());
            assertEquals("Empty", describe(c, "bad-leave").groupState());
        }
    }

    // ------------------------------------------------------------------------------------------------ coordinator

    @Test
    void findCoordinatorForATransactionalIdNamesThisNodeAndAnEmptyIdIsANonRetriableError() throws Exception {
        try (RawConnection c = connect()) {
            // The first lookup creates __transaction_state; the coordinator then loads (retriable until it has).
            org.awaitility.Awaitility.await("the transaction coordinator of txn-1 is named")
                    .atMost(java.time.Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                        final FindCoordinatorResponseData v4 = ((FindCoordinatorResponse) c.roundTrip(
                                new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData().setKeyType((byte) 1)
                                        .setCoordinatorKeys(List.of("txn-1"))).build((short) 4))).data();
                        assertEquals(1, v4.coordinators().size());
                        final short error = v4.coordinators().get(0).errorCode();
                        assertTrue(error == Errors.NONE.code() || Errors.forCode(error).exception() instanceof RetriableException,
                                "a transactional id's coordinator is found or retriably loading: " + Errors.forCode(error));
                        return error == Errors.NONE.code();
                    });
            final FindCoordinatorResponseData v3 = ((FindCoordinatorResponse) c.roundTrip(new FindCoordinatorRequest.Builder(
                    new FindCoordinatorRequestData().setKeyType((byte) 1).setKey("")).build((short) 3))).data();
            assertEquals(Errors.INVALID_REQUEST.code(), v3.errorCode());
            assertFalse(Errors.INVALID_REQUEST.exception() instanceof RetriableException);
            assertEquals(-1, v3.nodeId());
        }
    }
}
