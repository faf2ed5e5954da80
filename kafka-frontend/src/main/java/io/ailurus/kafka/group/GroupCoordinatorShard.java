package io.ailurus.kafka.group;

import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.cluster.metadata.TopicStore;
import io.ailurus.kafka.Futures;
import io.ailurus.partition.log.LogSlice;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.producer.PartitionTransactions;
import io.ailurus.partition.replica.AppendResult;
import io.ailurus.partition.replica.PartitionClient;
import io.ailurus.partition.replica.PartitionReplica;
import io.ailurus.partition.replica.ReplicaHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The group coordinator for the groups of one {@code __consumer_offsets} partition (the classic protocol: JoinGroup,
 * SyncGroup, Heartbeat, LeaveGroup, offsets). It runs where that partition is led, rebuilds its groups and offsets by
 * replaying the partition when it starts, and writes every change there (acks=all) before answering, so a restarted
 * coordinator knows every commit it acknowledged.
 *
 * <p>Rebalances follow Kafka's rules (see {@link ClassicGroup} for the states): members that vanish are expired after
 * their session timeout, members that do not rejoin within the rebalance timeout are dropped, a static member
 * ({@code group.instance.id}) that rejoins with the same subscription gets its assignment back without a rebalance and
 * fences its previous incarnation. The assignment itself is computed by the client leader.
 *
 * <p>Offsets committed inside a transaction (TxnOffsetCommit) are written as one transactional batch of the producer
 * and stay pending, invisible to OffsetFetch, until the transaction coordinator has this shard write the producer's
 * COMMIT or ABORT marker ({@link CompleteTransaction}); a replay treats the batches and markers the same way.
 *
 * <p>The partition is compacted by the log cleaner ({@code cleanup.policy=compact}): a replay needs only the newest
 * record per key (a group, or a group's offset of one partition), and a tombstone deletes.
 */
public final class GroupCoordinatorShard extends AbstractBehavior<GroupCoordinatorShard.Command> {

    public sealed interface Command permits Join, Sync, Heartbeat, Leave, CommitOffsets, FetchOffsets, Describe,
            DescribeConsumerGroup, ListAll, DeleteGroup, DeleteOffsets, SessionExpired, PendingExpired, RebalanceDeadline, Persisted, Tick, Stop,
            ConsumerHeartbeat, ConsumerSessionExpired, RevocationDeadline, TxnCommitOffsets, CompleteTransaction,
            MarkerWritten {
    }

    public record Join(JoinGroupRequestData request, short version, String clientId, String clientHost,
            ActorRef<JoinGroupResponseData> replyTo) implements Command {
    }

    public record Sync(SyncGroupRequestData request, short version, ActorRef<SyncGroupResponseData> replyTo) implements Command {
    }

    public record Heartbeat(HeartbeatRequestData request, ActorRef<Errors> replyTo) implements Command {
    }

    public record Leave(LeaveGroupRequestData request, short version, ActorRef<LeaveGroupResponseData> replyTo)
            implements Command {
    }

    public record CommitOffsets(OffsetCommitRequestData request, ActorRef<OffsetCommitResponseData> replyTo)
            implements Command {
    }

    /**
     * TxnOffsetCommit: offsets committed inside the transaction of the request's producer, pending until its marker.
     */
    public record TxnCommitOffsets(TxnOffsetCommitRequestData request, ActorRef<TxnOffsetCommitResponseData> replyTo)
            implements Command {
    }

    /**
     * From the transaction coordinator: write the producer's COMMIT or ABORT marker to this partition, then apply or
     * drop its pending offsets. {@code reply} gets NONE once the marker is committed, else the append's error (the
     * pending offsets stay for a retry).
     */
    public record CompleteTransaction(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
            CompletableFuture<Errors> reply) implements Command {
    }

    /**
     * partitions null = all the group has committed. With {@code requireStable} (OffsetFetch v7+, read_committed
     * consumers) a partition with transactional offsets pending is answered UNSTABLE_OFFSET_COMMIT.
     */
    public record FetchOffsets(String groupId, List<TopicPartition> partitions, boolean requireStable,
            ActorRef<FetchedOffsets> replyTo) implements Command {
    }

    /** {@code unstable}: partitions to answer UNSTABLE_OFFSET_COMMIT (not in {@code offsets}). */
    public record FetchedOffsets(Errors error, Map<TopicPartition, ClassicGroup.CommittedOffset> offsets,
            Set<TopicPartition> unstable) {
    }

    public record Describe(String groupId, short version, ActorRef<DescribeGroupsResponseData.DescribedGroup> replyTo)
            implements Command {
    }

    /** ConsumerGroupDescribe of one group (KIP-848). */
    public record DescribeConsumerGroup(String groupId,
            ActorRef<org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup> replyTo)
            implements Command {
    }

    public record ListAll(ActorRef<List<ListGroupsResponseData.ListedGroup>> replyTo) implements Command {
    }

    public record DeleteGroup(String groupId, ActorRef<Errors> replyTo) implements Command {
    }

    public record DeleteOffsets(String groupId, List<TopicPartition> partitions, ActorRef<DeletedOffsets> replyTo)
            implements Command {
    }

    public record DeletedOffsets(Errors error, Map<TopicPartition, Errors> partitions) {
    }

    private record SessionExpired(String groupId, String memberId) implements Command {
    }

    /** ConsumerGroupHeartbeat of the consumer protocol (KIP-848). */
    public record ConsumerHeartbeat(ConsumerGroupHeartbeatRequestData request, String clientId, String clientHost,
            ActorRef<ConsumerGroupHeartbeatResponseData> replyTo) implements Command {
    }

    record ConsumerSessionExpired(String groupId, String memberId) implements Command {
    }

    record RevocationDeadline(String groupId, String memberId, int epoch) implements Command {
    }

    private record PendingExpired(String groupId, String memberId) implements Command {
    }

    private record RebalanceDeadline(String groupId, boolean initialDelay) implements Command {
    }

    private record Persisted(Errors error, long baseOffset, Consumer<Persisted> then) implements Command {
    }

    private record MarkerWritten(CompleteTransaction request, AppendResult result, Throwable failure) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    /** The partition is no longer led here. */
    public enum Stop implements Command { INSTANCE }

    private static final Duration TICK = Duration.ofSeconds(30);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final int RECORDS_PER_BATCH = 500;

    public static Behavior<Command> create(final int partition, final ReplicaHandle log, final PartitionClient writer,
            final TopicStore topics, final GroupSettings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            final GroupCoordinatorShard shard = new GroupCoordinatorShard(ctx, timers, partition, log, writer, topics, settings);
            shard.load();
            timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
            return shard;
        }));
    }

    private final TimerScheduler<Command> timers;
    private final int partition;
    private final ReplicaHandle log;
    private final PartitionClient writer;
    private final TopicStore topics;
    private final GroupSettings settings;
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final PendingTxnOffsets txnOffsets = new PendingTxnOffsets();
    private final ConsumerProtocolCoordinator consumerProtocol;

    private GroupCoordinatorShard(final ActorContext<Command> ctx, final TimerScheduler<Command> timers,
            final int partition, final ReplicaHandle log, final PartitionClient writer, final TopicStore topics,
            final GroupSettings settings) {
        super(ctx);
        this.timers = timers;
        this.partition = partition;
        this.log = log;
        this.writer = writer;
        this.topics = topics;
        this.settings = settings;
        this.consumerProtocol = new ConsumerProtocolCoordinator(ctx, timers, topics, settings);
    }

    // ------------------------------------------------------------------------------------------------ loading

    /**
     * Replays the partition: the newest record per key wins, tombstones delete; the offsets of a transactional batch
     * wait for their producer's marker.
     */
    private void load() {
        final SegmentLog segmentLog = log.log();
        long offset = segmentLog.logStartOffset();
        final long end = segmentLog.highWatermark();
        long records = 0;
        while (offset < end) {
            final LogSlice slice = segmentLog.read(offset, 1 << 20, end);
            if (slice.isEmpty()) {
                break;
            }
            for (final RecordBatch batch : slice.records().batches()) {
                if (batch.isControlBatch()) {
                    if (batch.baseOffset() >= offset) {
                        replayMarker(batch);
                    }
                    offset = batch.nextOffset();
                    continue;
                }
                for (final Record record : batch) {
                    if (record.offset() >= offset && record.hasKey()) {
                        if (batch.isTransactional()) {
                            replayTxnOffset(batch, record);
                        } else {
                            replay(record);
                        }
                        records++;
                    }
                }
                offset = batch.nextOffset();
            }
        }
        for (final ClassicGroup group : groups.values()) {
            for (final GroupMember member : group.members.values()) {
                scheduleSession(group, member);
            }
        }
        getContext().getLog().info("Group coordinator for __consumer_offsets-{} loaded {} group(s) from {} record(s)",
                partition, groups.size(), records);
    }

    private void replay(final Record record) {
        final GroupRecords.Key key = GroupRecords.readKey(record.key());
        if (key.type() == GroupRecords.OFFSET_KEY) {
            if (!record.hasValue()) {
                final ClassicGroup g = groups.get(key.group());
                if (g != null) {
                    g.offsets.remove(key.partition());
                }
                txnOffsets.remove(key.group(), key.partition());
                return;
            }
            groups.computeIfAbsent(key.group(), ClassicGroup::new).offsets.put(key.partition(),
                    committedOffset(GroupRecords.readOffsetValue(record.value())));
            txnOffsets.supersede(key.group(), key.partition());
            return;
        }
        if (!record.hasValue()) {
            groups.remove(key.group());
            return;
        }
        final GroupRecords.GroupValue v = GroupRecords.readGroupValue(record.value());
        final ClassicGroup g = groups.computeIfAbsent(key.group(), ClassicGroup::new);
        g.members.clear();
        g.staticMembers.clear();
        g.protocolType = v.protocolType();
        g.generationId = v.generationId();
        g.protocolName = v.protocolName();
        g.leaderId = v.leaderId();
        for (final GroupRecords.MemberValue m : v.members()) {
            final GroupMember member = new GroupMember(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), v.protocolType(),
                    List.of(new GroupMember.Protocol(v.protocolName(), m.subscription())));
            member.assignment = m.assignment();
            g.members.put(member.memberId, member);
            if (member.isStatic()) {
                g.staticMembers.put(member.groupInstanceId, member.memberId);
            }
        }
        g.state = g.members.isEmpty() ? ClassicGroup.State.EMPTY : ClassicGroup.State.STABLE;
    }

    /** An offset record of a transactional batch: pending until its producer's marker. */
    private void replayTxnOffset(final RecordBatch batch, final Record record) {
        final GroupRecords.Key key = GroupRecords.readKey(record.key());
        if (key.type() != GroupRecords.OFFSET_KEY || !record.hasValue()) {
            throw new IllegalStateException("a transactional batch at offset " + batch.baseOffset()
                    + " holds a record other than a committed offset");
        }
        txnOffsets.add(batch.producerId(), key.group(), key.partition(),
                committedOffset(GroupRecords.readOffsetValue(record.value())), batch.baseOffset());
    }

    /** A transaction marker ends its producer's pending offsets; other control batches (Raft's) carry no state. */
    private void replayMarker(final RecordBatch batch) {
        final ControlRecordType type = PartitionTransactions.markerType(batch);
        if (type != null) {
            endTransaction(batch.producerId(), type == ControlRecordType.COMMIT, batch.baseOffset());
        }
    }

    /** Applies (commit) or drops (abort) the offsets the producer wrote before its marker at {@code markerOffset}. */
    private void endTransaction(final long producerId, final boolean commit, final long markerOffset) {
        if (!commit) {
            txnOffsets.abort(producerId, markerOffset);
            return;
        }
        txnOffsets.commit(producerId, markerOffset).forEach((groupId, offsets) -> {
            groups.computeIfAbsent(groupId, ClassicGroup::new).offsets.putAll(offsets);
        });
    }

    private static ClassicGroup.CommittedOffset committedOffset(final GroupRecords.OffsetValue v) {
        return new ClassicGroup.CommittedOffset(v.offset(), v.leaderEpoch(), v.metadata(), v.commitTimestampMs());
    }

    // ------------------------------------------------------------------------------------------------ messages

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Join.class, this::onJoin)
                .onMessage(Sync.class, this::onSync)
                .onMessage(Heartbeat.class, this::onHeartbeat)
                .onMessage(Leave.class, this::onLeave)
                .onMessage(CommitOffsets.class, this::onCommit)
                .onMessage(TxnCommitOffsets.class, this::onTxnCommit)
                .onMessage(CompleteTransaction.class, this::onCompleteTransaction)
                .onMessage(MarkerWritten.class, this::onMarkerWritten)
                .onMessage(FetchOffsets.class, this::onFetch)
                .onMessage(Describe.class, this::onDescribe)
                .onMessage(DescribeConsumerGroup.class, d -> {
                    d.replyTo().tell(consumerProtocol.describeConsumerGroup(d.groupId()));
                    return this;
                })
                .onMessage(ListAll.class, this::onList)
                .onMessage(DeleteGroup.class, this::onDeleteGroup)
                .onMessage(DeleteOffsets.class, this::onDeleteOffsets)
                .onMessage(SessionExpired.class, this::onSessionExpired)
                .onMessage(PendingExpired.class, this::onPendingExpired)
                .onMessage(RebalanceDeadline.class, this::onRebalanceDeadline)
                .onMessage(Persisted.class, this::onPersisted)
                .onMessage(ConsumerHeartbeat.class, this::onConsumerHeartbeat)
                .onMessage(ConsumerSessionExpired.class, e -> {
                    consumerProtocol.sessionExpired(e);
                    return this;
                })
                .onMessage(RevocationDeadline.class, d -> {
                    consumerProtocol.revocationDeadline(d);
                    return this;
                })
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
                .build();
    }

    // ------------------------------------------------------------------------------------------------ consumer protocol

    private Behavior<Command> onConsumerHeartbeat(final ConsumerHeartbeat hb) {
        final ClassicGroup classic = groups.get(hb.request().groupId());
        if (classic != null && !classic.members.isEmpty()) {
            hb.replyTo().tell(new ConsumerGroupHeartbeatResponseData().setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + classic.groupId + " is a classic group with active members.")
                    .setMemberEpoch(-1));
            return this;
        }
        hb.replyTo().tell(consumerProtocol.heartbeat(hb));
        return this;
    }

    // ------------------------------------------------------------------------------------------------ join

    private Behavior<Command> onJoin(final Join join) {
        final JoinGroupRequestData req = join.request();
        if (req.groupId() == null || req.groupId().isEmpty()) {
            join.replyTo().tell(joinError(Errors.INVALID_GROUP_ID, req.memberId()));
            return this;
        }
        if (req.sessionTimeoutMs() < settings.minSessionTimeoutMs() || req.sessionTimeoutMs() > settings.maxSessionTimeoutMs()) {
            join.replyTo().tell(joinError(Errors.INVALID_SESSION_TIMEOUT, req.memberId()));
            return this;
        }
        if (consumerProtocol.isActive(req.groupId())) {
            join.replyTo().tell(joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, req.memberId()));
            return this;
        }
        final boolean unknownMember = req.memberId().isEmpty();
        ClassicGroup group = groups.get(req.groupId());
        if (group == null) {
            if (!unknownMember) {
                join.replyTo().tell(joinError(Errors.UNKNOWN_MEMBER_ID, req.memberId()));
                return this;
            }
            group = new ClassicGroup(req.groupId());
            groups.put(req.groupId(), group);
        }
        final List<GroupMember.Protocol> protocols = new ArrayList<>();
        req.protocols().forEach(p -> protocols.add(new GroupMember.Protocol(p.name(), p.metadata())));
        if (protocols.isEmpty() || !group.acceptsProtocols(req.protocolType(), protocols)) {
            join.replyTo().tell(joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, req.memberId()));
            return this;
        }
        if (unknownMember) {
            joinUnknownMember(group, join, protocols);
        } else {
            joinKnownMember(group, join, protocols);
        }
        return this;
    }

    private void joinUnknownMember(final ClassicGroup group, final Join join, final List<GroupMember.Protocol> protocols) {
        final JoinGroupRequestData req = join.request();
        final String instanceId = req.groupInstanceId();
        if (instanceId == null && group.members.size() >= settings.maxGroupSize()) {
            join.replyTo().tell(joinError(Errors.GROUP_MAX_SIZE_REACHED, ""));
            return;
        }
        final String memberId = (instanceId != null ? instanceId : join.clientId()) + "-" + UUID.randomUUID();
        if (instanceId != null && group.staticMembers.containsKey(instanceId)) {
            replaceStaticMember(group, group.staticMembers.get(instanceId), memberId, join, protocols);
        } else if (instanceId == null && join.version() >= 4) {
            // KIP-394: hand out the id first; the member joins with it, so a retried join cannot leave a ghost behind.
            group.pendingMembers.add(memberId);
            timers.startSingleTimer(pendingKey(group, memberId), new PendingExpired(group.groupId, memberId),
                    Duration.ofMillis(req.sessionTimeoutMs()));
            join.replyTo().tell(joinError(Errors.MEMBER_ID_REQUIRED, memberId));
        } else {
            addMemberAndRebalance(group, memberId, join, protocols);
        }
    }

    private void joinKnownMember(final ClassicGroup group, final Join join, final List<GroupMember.Protocol> protocols) {
        final JoinGroupRequestData req = join.request();
        final String memberId = req.memberId();
        if (group.pendingMembers.remove(memberId)) {
            timers.cancel(pendingKey(group, memberId));
            addMemberAndRebalance(group, memberId, join, protocols);
            return;
        }
        final Errors memberError = checkMember(group, memberId, req.groupInstanceId());
        if (memberError != Errors.NONE) {
            join.replyTo().tell(joinError(memberError, memberId));
            return;
        }
        final GroupMember member = group.members.get(memberId);
        switch (group.state) {
            case PREPARING_REBALANCE -> {
                update(member, join, protocols);
                checkJoinComplete(group);
            }
            case COMPLETING_REBALANCE -> {
                if (member.sameProtocols(protocols)) {
                    join.replyTo().tell(joinResponse(group, member, memberId.equals(group.leaderId), join.version()));
                } else {
                    update(member, join, protocols);
                    prepareRebalance(group, "member " + memberId + " changed its subscription");
                }
            }
            case STABLE -> {
                if (memberId.equals(group.leaderId) || !member.sameProtocols(protocols)) {
                    update(member, join, protocols);
                    prepareRebalance(group, memberId.equals(group.leaderId) ? "the leader rejoined"
                            : "member " + memberId + " changed its subscription");
                } else {
                    join.replyTo().tell(joinResponse(group, member, false, join.version()));
                }
            }
            default -> join.replyTo().tell(joinError(Errors.UNKNOWN_MEMBER_ID, memberId));
        }
    }

    private void update(final GroupMember member, final Join join, final List<GroupMember.Protocol> protocols) {
        final JoinGroupRequestData req = join.request();
        member.protocols = protocols;
        member.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        member.sessionTimeoutMs = req.sessionTimeoutMs();
        member.clientId = join.clientId();
        member.clientHost = join.clientHost();
        if (member.awaitingJoin != null && member.awaitingJoin != join.replyTo()) {
            member.awaitingJoin.tell(joinError(Errors.REBALANCE_IN_PROGRESS, member.memberId));
        }
        member.awaitingJoin = join.replyTo();
        member.joinVersion = join.version();
    }

    private void addMemberAndRebalance(final ClassicGroup group, final String memberId, final Join join,
            final List<GroupMember.Protocol> protocols) {
        final JoinGroupRequestData req = join.request();
        final GroupMember member = new GroupMember(memberId, req.groupInstanceId(), join.clientId(), join.clientHost(),
                req.rebalanceTimeoutMs(), req.sessionTimeoutMs(), req.protocolType(), protocols);
        member.isNew = true;
        member.awaitingJoin = join.replyTo();
        member.joinVersion = join.version();
        group.add(member);
        scheduleSession(group, member);
        if (group.is(ClassicGroup.State.PREPARING_REBALANCE)) {
            checkJoinComplete(group);
        } else {
            prepareRebalance(group, "member " + memberId + " joined");
        }
    }

    /**
     * A static member came back with a new member id: the old incarnation is fenced, its assignment kept. In a stable
     * group whose selected protocol stays the same this is no rebalance (Kafka's rule: the member's metadata may
     * differ, e.g. its owned partitions, since a restarted consumer owns nothing yet); the new id is stored and the
     * member syncs to get its old assignment back.
     */
    private void replaceStaticMember(final ClassicGroup group, final String oldId, final String newId, final Join join,
            final List<GroupMember.Protocol> protocols) {
        final GroupMember old = group.members.get(oldId);
        if (old.awaitingJoin != null) {
            old.awaitingJoin.tell(joinError(Errors.FENCED_INSTANCE_ID, oldId));
            old.awaitingJoin = null;
        }
        if (old.awaitingSync != null) {
            old.awaitingSync.tell(syncError(Errors.FENCED_INSTANCE_ID));
            old.awaitingSync = null;
        }
        timers.cancel(sessionKey(group, oldId));
        final String previousLeader = group.leaderId;
        final boolean wasLeader = oldId.equals(previousLeader);
        group.remove(oldId);
        final JoinGroupRequestData req = join.request();
        final GroupMember member = new GroupMember(newId, req.groupInstanceId(), join.clientId(), join.clientHost(),
                req.rebalanceTimeoutMs(), req.sessionTimeoutMs(), req.protocolType(), protocols);
        member.assignment = old.assignment;
        group.add(member);
        if (wasLeader) {
            group.leaderId = newId;
        }
        scheduleSession(group, member);
        if (group.is(ClassicGroup.State.STABLE) && Objects.equals(group.protocolName, group.selectProtocol())) {
            final int generation = group.generationId;
            persistGroup(group, p -> {
                if (p.error() != Errors.NONE) {
                    // Not stored: put the old incarnation back if nothing changed meanwhile, so the group stays as the
                    // log knows it; the client retries its join.
                    if (group.generationId == generation && newId.equals(group.staticMembers.get(req.groupInstanceId()))) {
                        timers.cancel(sessionKey(group, newId));
                        group.remove(newId);
                        group.add(old);
                        group.leaderId = previousLeader;
                        scheduleSession(group, old);
                    }
                    join.replyTo().tell(joinError(p.error(), ""));
                    return;
                }
                final JoinGroupResponseData response;
                if (join.version() >= 9) {
                    // The returning leader keeps its assignment: it gets the members but is told to skip assigning.
                    final boolean isLeader = newId.equals(group.leaderId);
                    response = joinResponse(group, member, isLeader, join.version()).setSkipAssignment(isLeader);
                } else {
                    // Older clients cannot skip the assignment: they must not believe they lead.
                    response = joinResponse(group, member, false, join.version())
                            .setLeader(wasLeader ? oldId : group.leaderId);
                }
                join.replyTo().tell(response);
            });
            return;
        }
        member.awaitingJoin = join.replyTo();
        member.joinVersion = join.version();
        if (group.is(ClassicGroup.State.PREPARING_REBALANCE)) {
            checkJoinComplete(group);
        } else {
            prepareRebalance(group, "static member " + req.groupInstanceId() + " rejoined");
        }
    }

    private void prepareRebalance(final ClassicGroup group, final String reason) {
        if (group.is(ClassicGroup.State.COMPLETING_REBALANCE)) {
            for (final GroupMember m : group.members.values()) {
                if (m.awaitingSync != null) {
                    m.awaitingSync.tell(syncError(Errors.REBALANCE_IN_PROGRESS));
                    m.awaitingSync = null;
                }
            }
        }
        final boolean fromEmpty = group.is(ClassicGroup.State.EMPTY);
        group.state = ClassicGroup.State.PREPARING_REBALANCE;
        group.rebalanceStartMs = System.currentTimeMillis();
        getContext().getLog().info("Group {} rebalancing (generation {}): {}", group.groupId, group.generationId, reason);
        if (fromEmpty && settings.initialRebalanceDelayMs() > 0) {
            timers.startSingleTimer(rebalanceKey(group), new RebalanceDeadline(group.groupId, true),
                    Duration.ofMillis(Math.min(settings.initialRebalanceDelayMs(), group.maxRebalanceTimeoutMs())));
            return;
        }
        timers.startSingleTimer(rebalanceKey(group), new RebalanceDeadline(group.groupId, false),
                Duration.ofMillis(Math.max(1, group.maxRebalanceTimeoutMs())));
        checkJoinComplete(group);
    }

    /**
     * Whether the initial delay still holds the join open: for a new group, or while every member is new. A group
     * whose last member just left has no one to wait for (not "every member new"): it is empty at once, so a
     * DeleteGroups right after the leave succeeds, as in Kafka.
     */
    private boolean initialDelayRunning(final ClassicGroup group) {
        return group.generationId == 0 || !group.members.isEmpty()
                && group.members.values().stream().allMatch(m -> m.isNew)
                && System.currentTimeMillis() - group.rebalanceStartMs < settings.initialRebalanceDelayMs();
    }

    private void checkJoinComplete(final ClassicGroup group) {
        if (group.is(ClassicGroup.State.PREPARING_REBALANCE) && group.allMembersJoined()
                && !(settings.initialRebalanceDelayMs() > 0 && initialDelayRunning(group))) {
            completeJoin(group);
        }
    }

    private Behavior<Command> onRebalanceDeadline(final RebalanceDeadline deadline) {
        final ClassicGroup group = groups.get(deadline.groupId());
        if (group != null && group.is(ClassicGroup.State.PREPARING_REBALANCE)) {
            final long elapsed = System.currentTimeMillis() - group.rebalanceStartMs;
            if (deadline.initialDelay() && !group.allMembersJoined() && elapsed < group.maxRebalanceTimeoutMs()) {
                // Still waiting for known members: fall back to the ordinary rebalance timeout.
                timers.startSingleTimer(rebalanceKey(group), new RebalanceDeadline(group.groupId, false),
                        Duration.ofMillis(Math.max(1, group.maxRebalanceTimeoutMs() - elapsed)));
                return this;
            }
            completeJoin(group);
        }
        return this;
    }

    /** Ends the join phase: drops members that did not rejoin, starts the next generation, answers every join. */
    private void completeJoin(final ClassicGroup group) {
        timers.cancel(rebalanceKey(group));
        final List<String> gone = new ArrayList<>();
        for (final GroupMember m : group.members.values()) {
            if (m.awaitingJoin == null && !m.isStatic()) {
                gone.add(m.memberId);
            }
        }
        for (final String id : gone) {
            timers.cancel(sessionKey(group, id));
            group.remove(id);
        }
        for (final String pending : group.pendingMembers) {
            timers.cancel(pendingKey(group, pending));
        }
        group.pendingMembers.clear();
        group.generationId++;
        if (group.members.isEmpty()) {
            group.state = ClassicGroup.State.EMPTY;
            group.protocolName = null;
            group.leaderId = null;
            persistGroup(group, p -> { });
            getContext().getLog().info("Group {} is empty (generation {})", group.groupId, group.generationId);
            return;
        }
        group.protocolName = group.selectProtocol();
        final GroupMember leader = group.members.get(group.leaderId);
        if (leader == null || leader.awaitingJoin == null) {
            group.members.values().stream().filter(m -> m.awaitingJoin != null).findFirst()
                    .ifPresent(m -> group.leaderId = m.memberId);
        }
        group.state = ClassicGroup.State.COMPLETING_REBALANCE;
        for (final GroupMember m : group.members.values()) {
            if (m.awaitingJoin != null) {
                m.awaitingJoin.tell(joinResponse(group, m, m.memberId.equals(group.leaderId), m.joinVersion));
                m.awaitingJoin = null;
                m.isNew = false;
                scheduleSession(group, m);
            }
        }
        getContext().getLog().info("Group {} generation {} formed with {} member(s), protocol {}", group.groupId,
                group.generationId, group.members.size(), group.protocolName);
    }

    private JoinGroupResponseData joinResponse(final ClassicGroup group, final GroupMember member, final boolean withMembers,
            final short version) {
        final JoinGroupResponseData r = new JoinGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setGenerationId(group.generationId)
                .setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName)
                .setLeader(group.leaderId)
                .setMemberId(member.memberId);
        if (withMembers) {
            for (final GroupMember m : group.members.values()) {
                r.members().add(new JoinGroupResponseData.JoinGroupResponseMember()
                        .setMemberId(m.memberId)
                        .setGroupInstanceId(m.groupInstanceId)
                        .setMetadata(m.metadata(group.protocolName)));
            }
        }
        return r;
    }

    private static JoinGroupResponseData joinError(final Errors error, final String memberId) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(-1).setMemberId(memberId)
                .setLeader("").setProtocolName(null);
    }

    // ------------------------------------------------------------------------------------------------ sync

    private Behavior<Command> onSync(final Sync sync) {
        final SyncGroupRequestData req = sync.request();
        final ClassicGroup group = groups.get(req.groupId());
        if (group == null) {
            sync.replyTo().tell(syncError(Errors.UNKNOWN_MEMBER_ID));
            return this;
        }
        final Errors memberError = checkMember(group, req.memberId(), req.groupInstanceId());
        if (memberError != Errors.NONE) {
            sync.replyTo().tell(syncError(memberError));
            return this;
        }
        if (req.generationId() != group.generationId) {
            sync.replyTo().tell(syncError(Errors.ILLEGAL_GENERATION));
            return this;
        }
        if ((req.protocolType() != null && !req.protocolType().equals(group.protocolType))
                || (req.protocolName() != null && !req.protocolName().equals(group.protocolName))) {
            sync.replyTo().tell(syncError(Errors.INCONSISTENT_GROUP_PROTOCOL));
            return this;
        }
        final GroupMember member = group.members.get(req.memberId());
        switch (group.state) {
            case PREPARING_REBALANCE -> sync.replyTo().tell(syncError(Errors.REBALANCE_IN_PROGRESS));
            case STABLE -> {
                scheduleSession(group, member);
                sync.replyTo().tell(syncResponse(group, member.assignment));
            }
            case COMPLETING_REBALANCE -> {
                member.awaitingSync = sync.replyTo();
                scheduleSession(group, member);
                if (req.memberId().equals(group.leaderId)) {
                    completeSync(group, req);
                }
            }
            default -> sync.replyTo().tell(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        return this;
    }

    /** The leader's assignment: store it, then hand each waiting member its part. */
    private void completeSync(final ClassicGroup group, final SyncGroupRequestData req) {
        final Map<String, byte[]> assignments = new HashMap<>();
        for (final SyncGroupRequestData.SyncGroupRequestAssignment a : req.assignments()) {
            assignments.put(a.memberId(), a.assignment());
        }
        final int generation = group.generationId;
        final Map<String, byte[]> previous = new HashMap<>();
        for (final GroupMember m : group.members.values()) {
            previous.put(m.memberId, m.assignment);
            m.assignment = assignments.getOrDefault(m.memberId, new byte[0]);
        }
        persistGroup(group, p -> {
            if (!group.is(ClassicGroup.State.COMPLETING_REBALANCE) || group.generationId != generation) {
                return;   // a newer rebalance started meanwhile; its own sync will answer
            }
            if (p.error() != Errors.NONE) {
                for (final GroupMember m : group.members.values()) {
                    m.assignment = previous.getOrDefault(m.memberId, new byte[0]);
                    if (m.awaitingSync != null) {
                        m.awaitingSync.tell(syncError(p.error()));
                        m.awaitingSync = null;
                    }
                }
                prepareRebalance(group, "storing the assignment failed (" + p.error() + ")");
                return;
            }
            group.state = ClassicGroup.State.STABLE;
            for (final GroupMember m : group.members.values()) {
                if (m.awaitingSync != null) {
                    m.awaitingSync.tell(syncResponse(group, m.assignment));
                    m.awaitingSync = null;
                }
            }
        });
    }

    private static SyncGroupResponseData syncResponse(final ClassicGroup group, final byte[] assignment) {
        return new SyncGroupResponseData().setErrorCode(Errors.NONE.code()).setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName).setAssignment(assignment);
    }

    private static SyncGroupResponseData syncError(final Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }

    // ------------------------------------------------------------------------------------------------ heartbeat, leave

    private Behavior<Command> onHeartbeat(final Heartbeat heartbeat) {
        final HeartbeatRequestData req = heartbeat.request();
        final ClassicGroup group = groups.get(req.groupId());
        if (group == null) {
            heartbeat.replyTo().tell(Errors.UNKNOWN_MEMBER_ID);
            return this;
        }
        final Errors memberError = checkMember(group, req.memberId(), req.groupInstanceId());
        if (memberError != Errors.NONE) {
            heartbeat.replyTo().tell(memberError);
            return this;
        }
        if (req.generationId() != group.generationId) {
            heartbeat.replyTo().tell(Errors.ILLEGAL_GENERATION);
            return this;
        }
        scheduleSession(group, group.members.get(req.memberId()));
        heartbeat.replyTo().tell(switch (group.state) {
            case PREPARING_REBALANCE -> Errors.REBALANCE_IN_PROGRESS;
            case COMPLETING_REBALANCE, STABLE -> Errors.NONE;
            default -> Errors.UNKNOWN_MEMBER_ID;
        });
        return this;
    }

    private Behavior<Command> onLeave(final Leave leave) {
        final LeaveGroupRequestData req = leave.request();
        final ClassicGroup group = groups.get(req.groupId());
        final LeaveGroupResponseData response = new LeaveGroupResponseData();
        final List<LeaveGroupRequestData.MemberIdentity> leaving = leave.version() >= 3 ? req.members()
                : List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(req.memberId()));
        boolean anyLeft = false;
        for (final LeaveGroupRequestData.MemberIdentity who : leaving) {
            final Errors error = group == null ? Errors.UNKNOWN_MEMBER_ID : leave(group, who);
            anyLeft |= error == Errors.NONE;
            response.members().add(new LeaveGroupResponseData.MemberResponse().setMemberId(who.memberId())
                    .setGroupInstanceId(who.groupInstanceId()).setErrorCode(error.code()));
        }
        if (leave.version() < 3) {
            response.setErrorCode(response.members().get(0).errorCode());
            response.members().clear();
        }
        if (anyLeft) {
            afterMembersLeft(group, "member(s) left the group");
        }
        leave.replyTo().tell(response);
        return this;
    }

    private Errors leave(final ClassicGroup group, final LeaveGroupRequestData.MemberIdentity who) {
        String memberId = who.memberId();
        if (group.pendingMembers.remove(memberId)) {
            timers.cancel(pendingKey(group, memberId));
            return Errors.NONE;
        }
        if (memberId.isEmpty() && who.groupInstanceId() != null) {
            memberId = group.staticMembers.get(who.groupInstanceId());
            if (memberId == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
        }
        final Errors error = checkMember(group, memberId, who.groupInstanceId());
        if (error != Errors.NONE) {
            return error;
        }
        removeMember(group, memberId);
        return Errors.NONE;
    }

    private void removeMember(final ClassicGroup group, final String memberId) {
        final GroupMember member = group.remove(memberId);
        timers.cancel(sessionKey(group, memberId));
        if (member != null && member.awaitingJoin != null) {
            member.awaitingJoin.tell(joinError(Errors.UNKNOWN_MEMBER_ID, memberId));
        }
        if (member != null && member.awaitingSync != null) {
            member.awaitingSync.tell(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void afterMembersLeft(final ClassicGroup group, final String reason) {
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, reason);
            case PREPARING_REBALANCE -> checkJoinComplete(group);
            default -> { }
        }
    }

    private Behavior<Command> onSessionExpired(final SessionExpired expired) {
        final ClassicGroup group = groups.get(expired.groupId());
        final GroupMember member = group == null ? null : group.members.get(expired.memberId());
        if (member == null) {
            return this;
        }
        if (member.awaitingJoin != null || member.awaitingSync != null) {
            scheduleSession(group, member);   // it is waiting on us, so it is alive
            return this;
        }
        getContext().getLog().info("Member {} of group {} expired: no heartbeat within {} ms", member.memberId,
                group.groupId, member.sessionTimeoutMs);
        removeMember(group, member.memberId);
        afterMembersLeft(group, "member " + member.memberId + " expired");
        return this;
    }

    private Behavior<Command> onPendingExpired(final PendingExpired expired) {
        final ClassicGroup group = groups.get(expired.groupId());
        if (group != null && group.pendingMembers.remove(expired.memberId())) {
            checkJoinComplete(group);
        }
        return this;
    }

    /** NONE, UNKNOWN_MEMBER_ID, or FENCED_INSTANCE_ID when a static member's old incarnation speaks. */
    private static Errors checkMember(final ClassicGroup group, final String memberId, final String instanceId) {
        if (instanceId != null) {
            final String current = group.staticMembers.get(instanceId);
            if (current != null && !current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        final GroupMember member = group.members.get(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (member.isStatic() && instanceId != null && !member.groupInstanceId.equals(instanceId)) {
            return Errors.FENCED_INSTANCE_ID;
        }
        return Errors.NONE;
    }

    private void scheduleSession(final ClassicGroup group, final GroupMember member) {
        timers.startSingleTimer(sessionKey(group, member.memberId), new SessionExpired(group.groupId, member.memberId),
                Duration.ofMillis(member.sessionTimeoutMs));
    }

    private static String sessionKey(final ClassicGroup group, final String memberId) {
        return "session/" + group.groupId + "/" + memberId;
    }

    private static String pendingKey(final ClassicGroup group, final String memberId) {
        return "pending/" + group.groupId + "/" + memberId;
    }

    private static String rebalanceKey(final ClassicGroup group) {
        return "rebalance/" + group.groupId;
    }

    // ------------------------------------------------------------------------------------------------ offsets

    private Behavior<Command> onCommit(final CommitOffsets commit) {
        final OffsetCommitRequestData req = commit.request();
        final Errors groupError = checkCommit(req);
        final OffsetCommitResponseData response = new OffsetCommitResponseData();
        final List<SimpleRecord> records = new ArrayList<>();
        final Map<TopicPartition, ClassicGroup.CommittedOffset> accepted = new HashMap<>();
        final long now = System.currentTimeMillis();
        for (final OffsetCommitRequestData.OffsetCommitRequestTopic t : req.topics()) {
            final OffsetCommitResponseData.OffsetCommitResponseTopic rt =
                    new OffsetCommitResponseData.OffsetCommitResponseTopic().setName(t.name()).setTopicId(t.topicId());
            response.topics().add(rt);
            final Optional<TopicMetadata> topic = t.name() == null || t.name().isEmpty() ? topics.topic(t.topicId())
                    : topics.topic(t.name());
            for (final OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                Errors error = groupError;
                if (error == Errors.NONE) {
                    error = checkOffset(topic, p.partitionIndex(), p.committedMetadata());
                    if (error == Errors.NONE) {
                        final TopicPartition tp = new TopicPartition(topic.get().name(), p.partitionIndex());
                        final ClassicGroup.CommittedOffset offset = new ClassicGroup.CommittedOffset(p.committedOffset(),
                                p.committedLeaderEpoch(), p.committedMetadata(), now);
                        accepted.put(tp, offset);
                        records.add(offsetRecord(req.groupId(), tp, offset));
                    }
                }
                rt.partitions().add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
            }
        }
        if (records.isEmpty()) {
            commit.replyTo().tell(response);
            return this;
        }
        final ClassicGroup group = groups.computeIfAbsent(req.groupId(), ClassicGroup::new);
        persist(records, p -> {
            if (p.error() == Errors.NONE) {
                group.offsets.putAll(accepted);
                accepted.keySet().forEach(tp -> txnOffsets.supersede(req.groupId(), tp));
            } else {
                response.topics().forEach(t -> t.partitions().forEach(part -> {
                    if (part.errorCode() == Errors.NONE.code()) {
                        part.setErrorCode(p.error().code());
                    }
                }));
            }
            commit.replyTo().tell(response);
        });
        return this;
    }

    /** Kafka's checks of who may commit for a group; NONE when the commit may go ahead. */
    private Errors checkCommit(final OffsetCommitRequestData req) {
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        if (consumerProtocol.isActive(req.groupId())) {
            return consumerProtocol.checkCommit(req.groupId(), req.memberId(), req.generationIdOrMemberEpoch());
        }
        final ClassicGroup group = groups.get(req.groupId());
        final int generation = req.generationIdOrMemberEpoch();
        if (group == null) {
            // A group that does not use the coordinator for membership (assign + commit) is created by its first commit.
            return generation < 0 ? Errors.NONE : Errors.ILLEGAL_GENERATION;
        }
        if (generation < 0 && group.is(ClassicGroup.State.EMPTY)) {
            return Errors.NONE;
        }
        final Errors memberError = checkMember(group, req.memberId(), req.groupInstanceId());
        if (memberError != Errors.NONE) {
            return memberError;
        }
        if (generation != group.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (group.is(ClassicGroup.State.COMPLETING_REBALANCE)) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        scheduleSession(group, group.members.get(req.memberId()));
        return Errors.NONE;
    }

    /** Why an offset of this partition cannot be committed, or NONE. */
    private Errors checkOffset(final Optional<TopicMetadata> topic, final int partition, final String metadata) {
        if (topic.isEmpty() || partition < 0 || partition >= topic.get().partitions()) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (metadata != null && metadata.length() > settings.offsetMetadataMaxBytes()) {
            return Errors.OFFSET_METADATA_TOO_LARGE;
        }
        return Errors.NONE;
    }

    /**
     * TxnOffsetCommit: the offsets go to the log as one transactional batch of the producer (so its marker decides
     * them on replay too) and stay pending until the marker, invisible to OffsetFetch.
     */
    private Behavior<Command> onTxnCommit(final TxnCommitOffsets commit) {
        final TxnOffsetCommitRequestData req = commit.request();
        final Errors groupError = checkTxnCommit(req);
        final TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        final List<SimpleRecord> records = new ArrayList<>();
        final Map<TopicPartition, ClassicGroup.CommittedOffset> accepted = new HashMap<>();
        final long now = System.currentTimeMillis();
        for (final TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t : req.topics()) {
            final TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic rt =
                    new TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic().setName(t.name());
            response.topics().add(rt);
            final Optional<TopicMetadata> topic = t.name() == null ? Optional.empty() : topics.topic(t.name());
            for (final TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : t.partitions()) {
                Errors error = groupError;
                if (error == Errors.NONE) {
                    error = checkOffset(topic, p.partitionIndex(), p.committedMetadata());
                    if (error == Errors.NONE) {
                        final TopicPartition tp = new TopicPartition(topic.get().name(), p.partitionIndex());
                        final ClassicGroup.CommittedOffset offset = new ClassicGroup.CommittedOffset(p.committedOffset(),
                                p.committedLeaderEpoch(), p.committedMetadata(), now);
                        accepted.put(tp, offset);
                        records.add(offsetRecord(req.groupId(), tp, offset));
                    }
                }
                rt.partitions().add(new TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
            }
        }
        if (records.isEmpty()) {
            commit.replyTo().tell(response);
            return this;
        }
        persist(records, req.producerId(), req.producerEpoch(), p -> {
            if (p.error() == Errors.NONE) {
                accepted.forEach((tp, offset) -> txnOffsets.add(req.producerId(), req.groupId(), tp, offset, p.baseOffset()));
            } else {
                response.topics().forEach(t -> t.partitions().forEach(part -> {
                    if (part.errorCode() == Errors.NONE.code()) {
                        part.setErrorCode(p.error().code());
                    }
                }));
            }
            commit.replyTo().tell(response);
        });
        return this;
    }

    /**
     * Kafka's checks of a transactional commit (KIP-447): a producer that names the consumer it commits for (member,
     * generation: v3+) must name a current member and generation, so a zombie whose consumer left the group is
     * fenced. One that names none (older clients, or a group it does not consume in) is accepted in any state.
     */
    private Errors checkTxnCommit(final TxnOffsetCommitRequestData req) {
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        if (consumerProtocol.isActive(req.groupId())) {
            final Errors error = consumerProtocol.checkCommit(req.groupId(), req.memberId(), req.generationId());
            // Transactional clients do not know STALE_MEMBER_EPOCH; Kafka answers it as ILLEGAL_GENERATION too.
            return error == Errors.STALE_MEMBER_EPOCH ? Errors.ILLEGAL_GENERATION : error;
        }
        final ClassicGroup group = groups.get(req.groupId());
        final int generation = req.generationId();
        final boolean empty = group == null || group.is(ClassicGroup.State.EMPTY);
        final boolean anonymous = req.memberId().isEmpty() && req.groupInstanceId() == null;
        if (generation < 0 && (empty || anonymous)) {
            return Errors.NONE;
        }
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        final Errors memberError = checkMember(group, req.memberId(), req.groupInstanceId());
        if (memberError != Errors.NONE) {
            return memberError;
        }
        return generation == group.generationId ? Errors.NONE : Errors.ILLEGAL_GENERATION;
    }

    /**
     * The transaction coordinator ends a transaction here: the marker goes to this partition's replica directly (a
     * control batch, which the client append path refuses), behind any offsets of the producer still being written.
     */
    private Behavior<Command> onCompleteTransaction(final CompleteTransaction complete) {
        final CompletableFuture<AppendResult> written = new CompletableFuture<>();
        log.actor().tell(new PartitionReplica.WriteTxnMarker(complete.producerId(), complete.producerEpoch(),
                complete.commit(), complete.coordinatorEpoch(), written));
        getContext().pipeToSelf(written.orTimeout(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                (result, failure) -> new MarkerWritten(complete, result, failure));
        return this;
    }

    /**
     * The marker is committed: apply or drop the producer's offsets written before it. Not counted as a write in
     * flight for compaction: pending offsets already hold compaction back until this runs.
     */
    private Behavior<Command> onMarkerWritten(final MarkerWritten written) {
        final CompleteTransaction request = written.request();
        if (written.failure() != null) {
            final Throwable cause = Futures.cause(written.failure());
            request.reply().complete(cause instanceof TimeoutException ? Errors.REQUEST_TIMED_OUT : Errors.forException(cause));
            return this;
        }
        if (written.result().error() != Errors.NONE) {
            getContext().getLog().info("Transaction marker of producer {} on __consumer_offsets-{} not written: {}",
                    request.producerId(), partition, written.result().error());
            request.reply().complete(written.result().error());
            return this;
        }
        endTransaction(request.producerId(), request.commit(), written.result().baseOffset());
        request.reply().complete(Errors.NONE);
        return this;
    }

    private Behavior<Command> onFetch(final FetchOffsets fetch) {
        final ClassicGroup group = groups.get(fetch.groupId());
        final Map<TopicPartition, ClassicGroup.CommittedOffset> out = new HashMap<>();
        final Set<TopicPartition> unstable = new HashSet<>();
        final List<TopicPartition> asked = fetch.partitions() != null ? fetch.partitions()
                : group != null ? new ArrayList<>(group.offsets.keySet()) : List.of();
        for (final TopicPartition tp : asked) {
            if (fetch.requireStable() && txnOffsets.isPending(fetch.groupId(), tp)) {
                unstable.add(tp);   // the transaction may still change it: the client retries
                continue;
            }
            final ClassicGroup.CommittedOffset o = group == null ? null : group.offsets.get(tp);
            if (o != null) {
                out.put(tp, o);
            }
        }
        fetch.replyTo().tell(new FetchedOffsets(Errors.NONE, out, unstable));
        return this;
    }

    private Behavior<Command> onDeleteOffsets(final DeleteOffsets delete) {
        final ClassicGroup group = groups.get(delete.groupId());
        if (group == null) {
            delete.replyTo().tell(new DeletedOffsets(Errors.GROUP_ID_NOT_FOUND, Map.of()));
            return this;
        }
        final Set<String> subscribed = group.is(ClassicGroup.State.EMPTY) ? Set.of() : group.subscribedTopics();
        if (subscribed == null) {
            delete.replyTo().tell(new DeletedOffsets(Errors.NON_EMPTY_GROUP, Map.of()));
            return this;
        }
        final Map<TopicPartition, Errors> result = new HashMap<>();
        final List<SimpleRecord> tombstones = new ArrayList<>();
        final List<TopicPartition> deleted = new ArrayList<>();
        for (final TopicPartition tp : delete.partitions()) {
            if (subscribed.contains(tp.topic())) {
                result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
            } else {
                result.put(tp, Errors.NONE);
                // Offsets of open transactions go too, as in Kafka (a tombstone drops them on replay as well).
                if (group.offsets.containsKey(tp) || txnOffsets.isPending(group.groupId, tp)) {
                    deleted.add(tp);
                    tombstones.add(new SimpleRecord(GroupRecords.offsetKey(group.groupId, tp), null));
                }
            }
        }
        persist(tombstones, p -> {
            if (p.error() == Errors.NONE) {
                result.forEach((tp, e) -> {
                    if (e == Errors.NONE) {
                        group.offsets.remove(tp);
                    }
                });
                deleted.forEach(tp -> txnOffsets.remove(group.groupId, tp));
                delete.replyTo().tell(new DeletedOffsets(Errors.NONE, result));
            } else {
                delete.replyTo().tell(new DeletedOffsets(p.error(), Map.of()));
            }
        });
        return this;
    }

    // ------------------------------------------------------------------------------------------------ admin

    private Behavior<Command> onDescribe(final Describe describe) {
        if (consumerProtocol.isActive(describe.groupId())) {
            describe.replyTo().tell(consumerProtocol.describe(describe.groupId()));
            return this;
        }
        final ClassicGroup group = groups.get(describe.groupId());
        final DescribeGroupsResponseData.DescribedGroup out = new DescribeGroupsResponseData.DescribedGroup()
                .setGroupId(describe.groupId());
        if (group == null) {
            if (describe.version() >= 6) {
                out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage("Group " + describe.groupId() + " not found.");
            }
            out.setGroupState(ClassicGroup.State.DEAD.display).setProtocolType("").setProtocolData("");
            describe.replyTo().tell(out);
            return this;
        }
        out.setGroupState(group.state.display)
                .setProtocolType(group.protocolType == null ? "" : group.protocolType)
                .setProtocolData(group.is(ClassicGroup.State.STABLE) && group.protocolName != null ? group.protocolName : "");
        for (final GroupMember m : group.members.values()) {
            out.members().add(new DescribeGroupsResponseData.DescribedGroupMember()
                    .setMemberId(m.memberId)
                    .setGroupInstanceId(m.groupInstanceId)
                    .setClientId(m.clientId)
                    .setClientHost(m.clientHost)
                    .setMemberMetadata(group.is(ClassicGroup.State.STABLE) ? m.metadata(group.protocolName) : new byte[0])
                    .setMemberAssignment(group.is(ClassicGroup.State.STABLE) ? m.assignment : new byte[0]));
        }
        describe.replyTo().tell(out);
        return this;
    }

    private Behavior<Command> onList(final ListAll list) {
        final List<ListGroupsResponseData.ListedGroup> out = new ArrayList<>(consumerProtocol.listed());
        for (final ClassicGroup g : groups.values()) {
            if (consumerProtocol.isActive(g.groupId)) {
                continue;
            }
            out.add(new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId)
                    .setProtocolType(g.protocolType == null ? "" : g.protocolType)
                    .setGroupState(g.state.display)
                    .setGroupType("classic"));
        }
        list.replyTo().tell(out);
        return this;
    }

    private Behavior<Command> onDeleteGroup(final DeleteGroup delete) {
        final ClassicGroup group = groups.get(delete.groupId());
        if (consumerProtocol.isActive(delete.groupId())) {
            delete.replyTo().tell(Errors.NON_EMPTY_GROUP);
            return this;
        }
        if (group == null) {
            delete.replyTo().tell(Errors.GROUP_ID_NOT_FOUND);
            return this;
        }
        if (!group.is(ClassicGroup.State.EMPTY)) {
            delete.replyTo().tell(Errors.NON_EMPTY_GROUP);
            return this;
        }
        final List<SimpleRecord> tombstones = new ArrayList<>();
        tombstones.add(new SimpleRecord(GroupRecords.groupKey(group.groupId), null));
        // Offsets of open transactions go too (Kafka's rule), so that their COMMIT does not bring the group back.
        final Set<TopicPartition> deleted = new HashSet<>(group.offsets.keySet());
        deleted.addAll(txnOffsets.partitionsOf(group.groupId));
        for (final TopicPartition tp : deleted) {
            tombstones.add(new SimpleRecord(GroupRecords.offsetKey(group.groupId, tp), null));
        }
        persist(tombstones, p -> {
            if (p.error() == Errors.NONE) {
                deleted.forEach(tp -> txnOffsets.remove(group.groupId, tp));
            }
            if (p.error() == Errors.NONE && groups.get(group.groupId) == group && group.is(ClassicGroup.State.EMPTY)) {
                groups.remove(group.groupId);
                group.state = ClassicGroup.State.DEAD;
            }
            delete.replyTo().tell(p.error());
        });
        return this;
    }

    // ------------------------------------------------------------------------------------------------ housekeeping

    /** Expires old offsets of empty groups and forgets empty groups with no offsets. */
    private Behavior<Command> onTick() {
        final long now = System.currentTimeMillis();
        final List<SimpleRecord> tombstones = new ArrayList<>();
        final Map<ClassicGroup, List<TopicPartition>> expired = new HashMap<>();
        for (final ClassicGroup g : groups.values()) {
            if (!g.is(ClassicGroup.State.EMPTY)) {
                continue;
            }
            for (final Map.Entry<TopicPartition, ClassicGroup.CommittedOffset> e : g.offsets.entrySet()) {
                // Not while a transaction may still commit an offset for it (Kafka's rule): the tombstone would drop it.
                if (e.getValue().commitTimestampMs() + settings.offsetsRetentionMs() < now
                        && !txnOffsets.isPending(g.groupId, e.getKey())) {
                    expired.computeIfAbsent(g, k -> new ArrayList<>()).add(e.getKey());
                    tombstones.add(new SimpleRecord(GroupRecords.offsetKey(g.groupId, e.getKey()), null));
                }
            }
        }
        if (!tombstones.isEmpty()) {
            persist(tombstones, p -> {
                if (p.error() == Errors.NONE) {
                    expired.forEach((g, tps) -> tps.forEach(tp -> {
                        g.offsets.remove(tp);
                        txnOffsets.remove(g.groupId, tp);   // as the tombstone does on replay
                    }));
                    final Iterator<ClassicGroup> it = groups.values().iterator();
                    while (it.hasNext()) {
                        final ClassicGroup g = it.next();
                        if (g.is(ClassicGroup.State.EMPTY) && g.offsets.isEmpty()) {
                            it.remove();
                        }
                    }
                    getContext().getLog().info("Expired {} committed offset(s) older than offsets retention", tombstones.size());
                }
            });
        }
        return this;
    }

    // ------------------------------------------------------------------------------------------------ persistence

    private static SimpleRecord offsetRecord(final String group, final TopicPartition tp, final ClassicGroup.CommittedOffset o) {
        return new SimpleRecord(o.commitTimestampMs(), GroupRecords.offsetKey(group, tp), GroupRecords.offsetValue(
                new GroupRecords.OffsetValue(o.offset(), o.leaderEpoch(), o.metadata(), o.commitTimestampMs())));
    }

    private static SimpleRecord groupRecord(final ClassicGroup group) {
        final List<GroupRecords.MemberValue> members = new ArrayList<>();
        for (final GroupMember m : group.members.values()) {
            members.add(new GroupRecords.MemberValue(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                    m.rebalanceTimeoutMs, m.sessionTimeoutMs,
                    group.protocolName == null ? new byte[0] : m.metadata(group.protocolName), m.assignment));
        }
        return new SimpleRecord(GroupRecords.groupKey(group.groupId), GroupRecords.groupValue(new GroupRecords.GroupValue(
                group.protocolType, group.generationId, group.protocolName, group.leaderId, members)));
    }

    private void persistGroup(final ClassicGroup group, final Consumer<Persisted> then) {
        persist(List.of(groupRecord(group)), then);
    }

    private Behavior<Command> onPersisted(final Persisted persisted) {
        persisted.then().accept(persisted);
        return this;
    }

    /** Appends records (acks=all) and continues on this actor once durable, or with the error. */
    private void persist(final List<SimpleRecord> records, final Consumer<Persisted> then) {
        persist(records, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, then);
    }

    /**
     * The same; with a producer id the records form one transactional batch of that producer (no sequence: the
     * partition fences it by epoch only), which its transaction marker later commits or aborts.
     */
    private void persist(final List<SimpleRecord> records, final long producerId, final short producerEpoch,
            final Consumer<Persisted> then) {
        if (records.isEmpty()) {
            then.accept(new Persisted(Errors.NONE, -1, then));
            return;
        }
        final List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
        if (producerId != RecordBatch.NO_PRODUCER_ID) {
            appends.add(writer.append(log, transactionalBatch(producerId, producerEpoch, records), (short) -1, WRITE_TIMEOUT));
        } else {
            for (int i = 0; i < records.size(); i += RECORDS_PER_BATCH) {
                final List<SimpleRecord> chunk = records.subList(i, Math.min(records.size(), i + RECORDS_PER_BATCH));
                appends.add(writer.append(log, MemoryRecords.withRecords(Compression.NONE, chunk.toArray(SimpleRecord[]::new)),
                        (short) -1, WRITE_TIMEOUT));
            }
        }
        getContext().pipeToSelf(CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new))
                .thenApply(v -> appends), (results, failure) -> {
                    if (failure != null) {
                        return new Persisted(Errors.COORDINATOR_NOT_AVAILABLE, -1, then);
                    }
                    for (final CompletableFuture<AppendResult> r : results) {
                        final AppendResult result = r.join();
                        if (result.error() != Errors.NONE) {
                            return new Persisted(coordinatorError(result.error()), -1, then);
                        }
                    }
                    return new Persisted(Errors.NONE, results.get(0).join().baseOffset(), then);
                });
    }

    /**
     * One transactional batch of the producer with no sequence ({@link RecordBatch#NO_SEQUENCE}): the partition fences
     * it by epoch only, since the producer's sequences number its own data, not the coordinator's writes. kafka-clients'
     * builder insists on a sequence for a producer's batch, so the batch is built with 0 and its header rewritten with
     * none (the CRC with it).
     */
    static MemoryRecords transactionalBatch(final long producerId, final short producerEpoch, final List<SimpleRecord> records) {
        final MemoryRecords built = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, producerEpoch, 0,
                records.toArray(SimpleRecord[]::new));
        final DefaultRecordBatch batch = (DefaultRecordBatch) built.batches().iterator().next();
        DefaultRecordBatch.writeHeader(built.buffer(), batch.baseOffset(), (int) (batch.lastOffset() - batch.baseOffset()),
                batch.sizeInBytes(), batch.magic(), batch.compressionType(), batch.timestampType(), batch.baseTimestamp(),
                batch.maxTimestamp(), producerId, producerEpoch, RecordBatch.NO_SEQUENCE, true, false, false,
                batch.partitionLeaderEpoch(), batch.countOrNull());
        return built;
    }

    /** Append errors as a group client should see them (Kafka's mapping: retriable coordinator errors). */
    private static Errors coordinatorError(final Errors appendError) {
        return switch (appendError) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> appendError;
        };
    }
}
