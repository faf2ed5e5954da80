package io.ailurus.kafka.group;

import io.ailurus.cluster.metadata.TopicStore;
import io.ailurus.partition.producer.PartitionTransactions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
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
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * Everything one group coordinator knows, as a pure state machine (the shape of Kafka 4's coordinator shards): each
 * call takes the time it happens at and answers through callbacks, with records to write and timers to set going to
 * a {@link GroupCoordinatorOutput}; a write's outcome and a timer's firing come back as calls. Its
 * {@link GroupCoordinatorShard} actor does the I/O; a unit test drives it on a manual clock.
 *
 * <p>It is built by replaying the {@code __consumer_offsets} partition ({@link #replay}): the newest record per key
 * wins and a tombstone deletes, which is also why the log cleaner may compact that partition.
 */
final class GroupCoordinatorState {

    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final GroupEffects effects;
    private final ConsumerProtocolCoordinator consumerProtocol;
    private final ClassicGroupProtocol classic;
    private final GroupOffsets offsets;

    GroupCoordinatorState(final GroupSettings settings, final TopicStore topics, final GroupCoordinatorOutput output) {
        this.effects = new GroupEffects(output);
        this.consumerProtocol = new ConsumerProtocolCoordinator(effects, topics, settings);
        this.classic = new ClassicGroupProtocol(groups, effects, settings, consumerProtocol);
        this.offsets = new GroupOffsets(groups, effects, topics, settings, classic, consumerProtocol);
    }

    // ------------------------------------------------------------------------------------------------ loading

    /**
     * Replays one batch of the partition from {@code fromOffset} on: offsets of a transactional batch wait for their
     * producer's marker; other control batches (Raft's) carry no state. Returns the records applied.
     */
    long replay(final RecordBatch batch, final long fromOffset) {
        if (batch.isControlBatch()) {
            final ControlRecordType type = batch.baseOffset() >= fromOffset ? PartitionTransactions.markerType(batch) : null;
            if (type != null) {
                offsets.endTransaction(batch.producerId(), type == ControlRecordType.COMMIT, batch.baseOffset());
            }
            return 0;
        }
        long applied = 0;
        for (final Record record : batch) {
            if (record.offset() < fromOffset || !record.hasKey()) {
                continue;
            }
            final GroupRecords.Key key = GroupRecords.readKey(record.key());
            final ByteBuffer value = record.hasValue() ? record.value() : null;
            if (batch.isTransactional()) {
                offsets.replayTransactional(batch.producerId(), batch.baseOffset(), key, value);
            } else if (key.type() == GroupRecords.OFFSET_KEY) {
                offsets.replay(key, value);
            } else {
                replayGroup(key.group(), value);
            }
            applied++;
        }
        return applied;
    }

    private void replayGroup(final String groupId, final ByteBuffer value) {
        if (value == null) {
            groups.remove(groupId);
            return;
        }
        final GroupRecords.GroupValue v = GroupRecords.readGroupValue(value);
        final ClassicGroup g = groups.computeIfAbsent(groupId, ClassicGroup::new);
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

    /** The replay is over: the members it brought back must heartbeat within their session from now. Returns the groups. */
    int loaded(final long nowMs) {
        effects.at(nowMs);
        for (final ClassicGroup group : groups.values()) {
            for (final GroupMember member : group.members.values()) {
                classic.scheduleSession(group, member);
            }
        }
        return groups.size();
    }

    // ------------------------------------------------------------------------------------------------ membership

    void join(final ClassicGroupProtocol.JoinCall join, final long nowMs) {
        effects.at(nowMs);
        classic.join(join);
    }

    void sync(final SyncGroupRequestData request, final Consumer<SyncGroupResponseData> reply, final long nowMs) {
        effects.at(nowMs);
        classic.sync(request, reply);
    }

    Errors heartbeat(final HeartbeatRequestData request, final long nowMs) {
        effects.at(nowMs);
        return classic.heartbeat(request);
    }

    LeaveGroupResponseData leave(final LeaveGroupRequestData request, final short version, final long nowMs) {
        effects.at(nowMs);
        return classic.leave(request, version);
    }

    /** KIP-848's heartbeat; a classic group of that id with members refuses it, as Kafka does. */
    ConsumerGroupHeartbeatResponseData consumerHeartbeat(final ConsumerGroupHeartbeatRequestData request,
            final String clientId, final String clientHost, final long nowMs) {
        effects.at(nowMs);
        final ClassicGroup classicGroup = groups.get(request.groupId());
        if (classicGroup != null && !classicGroup.members.isEmpty()) {
            return new ConsumerGroupHeartbeatResponseData().setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + classicGroup.groupId + " is a classic group with active members.")
                    .setMemberEpoch(-1);
        }
        return consumerProtocol.heartbeat(request, clientId, clientHost);
    }

    // ------------------------------------------------------------------------------------------------ offsets

    void commit(final OffsetCommitRequestData request, final Consumer<OffsetCommitResponseData> reply, final long nowMs) {
        effects.at(nowMs);
        offsets.commit(request, reply);
    }

    void txnCommit(final TxnOffsetCommitRequestData request, final Consumer<TxnOffsetCommitResponseData> reply,
            final long nowMs) {
        effects.at(nowMs);
        offsets.txnCommit(request, reply);
    }

    /** The producer's marker is durable at {@code markerOffset}: its pending offsets become visible, or go. */
    void transactionEnded(final long producerId, final boolean commit, final long markerOffset) {
        offsets.endTransaction(producerId, commit, markerOffset);
    }

    GroupCoordinatorShard.FetchedOffsets fetch(final String groupId, final List<TopicPartition> partitions,
            final boolean requireStable) {
        return offsets.fetch(groupId, partitions, requireStable);
    }

    void deleteOffsets(final String groupId, final List<TopicPartition> partitions,
            final Consumer<GroupCoordinatorShard.DeletedOffsets> reply, final long nowMs) {
        effects.at(nowMs);
        offsets.deleteOffsets(groupId, partitions, reply);
    }

    /** Housekeeping: old offsets of empty groups expire. */
    void expireOffsets(final long nowMs) {
        effects.at(nowMs);
        offsets.expire();
    }

    // ------------------------------------------------------------------------------------------------ admin

    DescribeGroupsResponseData.DescribedGroup describe(final String groupId, final short version) {
        if (consumerProtocol.isActive(groupId)) {
            return consumerProtocol.describe(groupId);
        }
        final ClassicGroup group = groups.get(groupId);
        final DescribeGroupsResponseData.DescribedGroup out = new DescribeGroupsResponseData.DescribedGroup()
                .setGroupId(groupId);
        if (group == null) {
            if (version >= 6) {
                out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("Group " + groupId + " not found.");
            }
            return out.setGroupState(ClassicGroup.State.DEAD.display).setProtocolType("").setProtocolData("");
        }
        final boolean stable = group.is(ClassicGroup.State.STABLE);
        out.setGroupState(group.state.display)
                .setProtocolType(group.protocolType == null ? "" : group.protocolType)
                .setProtocolData(stable && group.protocolName != null ? group.protocolName : "");
        for (final GroupMember m : group.members.values()) {
            out.members().add(new DescribeGroupsResponseData.DescribedGroupMember()
                    .setMemberId(m.memberId)
                    .setGroupInstanceId(m.groupInstanceId)
                    .setClientId(m.clientId)
                    .setClientHost(m.clientHost)
                    .setMemberMetadata(stable ? m.metadata(group.protocolName) : new byte[0])
                    .setMemberAssignment(stable ? m.assignment : new byte[0]));
        }
        return out;
    }

    ConsumerGroupDescribeResponseData.DescribedGroup describeConsumerGroup(final String groupId) {
        return consumerProtocol.describeConsumerGroup(groupId);
    }

    List<ListGroupsResponseData.ListedGroup> list() {
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
        return out;
    }

    /** DeleteGroups: only an empty group goes, with its offsets, once the tombstones are durable. */
    void deleteGroup(final String groupId, final Consumer<Errors> reply, final long nowMs) {
        effects.at(nowMs);
        final ClassicGroup group = groups.get(groupId);
        if (consumerProtocol.isActive(groupId)) {
            reply.accept(Errors.NON_EMPTY_GROUP);
            return;
        }
        if (group == null) {
            reply.accept(Errors.GROUP_ID_NOT_FOUND);
            return;
        }
        if (!group.is(ClassicGroup.State.EMPTY)) {
            reply.accept(Errors.NON_EMPTY_GROUP);
            return;
        }
        final Set<TopicPartition> partitions = offsets.partitionsToDelete(group);
        final List<SimpleRecord> tombstones = new ArrayList<>();
        tombstones.add(GroupRecords.tombstone(effects.nowMs(), GroupRecords.groupKey(groupId)));
        partitions.forEach(tp -> tombstones.add(GroupRecords.tombstone(effects.nowMs(), GroupRecords.offsetKey(groupId, tp))));
        effects.write(tombstones, (error, baseOffset) -> {
            if (error == Errors.NONE) {
                offsets.forgetPending(groupId, partitions);
                if (groups.get(groupId) == group && group.is(ClassicGroup.State.EMPTY)) {
                    groups.remove(groupId);
                    group.state = ClassicGroup.State.DEAD;
                }
            }
            reply.accept(error);
        });
    }

    // ------------------------------------------------------------------------------------------------ effects back

    /** A write issued through {@link GroupCoordinatorOutput#write} is durable ({@code NONE}) or failed. */
    void written(final long writeId, final Errors error, final long baseOffset, final long nowMs) {
        effects.at(nowMs);
        effects.written(writeId, error, baseOffset);
    }

    void onTimer(final String key, final GroupTimer timer, final long nowMs) {
        effects.at(nowMs);
        effects.fired(key);
        if (timer instanceof GroupTimer.SessionExpired t) {
            classic.sessionExpired(t);
        } else if (timer instanceof GroupTimer.PendingExpired t) {
            classic.pendingExpired(t);
        } else if (timer instanceof GroupTimer.RebalanceDeadline t) {
            classic.rebalanceDeadline(t);
        } else if (timer instanceof GroupTimer.ConsumerSessionExpired t) {
            consumerProtocol.sessionExpired(t);
        } else if (timer instanceof GroupTimer.RevocationDeadline t) {
            consumerProtocol.revocationDeadline(t);
        }
    }

    int writesInFlight() {
        return effects.writesInFlight();
    }

    /**
     * The partition is no longer led here: writes in flight and parked joins and syncs are answered NOT_COORDINATOR
     * (a commit whose write may still land is retried at the new coordinator, which replays it if it did).
     */
    void unload(final long nowMs) {
        effects.at(nowMs);
        effects.failWrites(Errors.NOT_COORDINATOR);
        classic.unload();
    }
}
