package io.ailurus.kafka.group;

import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.cluster.metadata.TopicStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.SimpleRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committed offsets of one coordinator's groups, as a state machine: OffsetCommit, TxnOffsetCommit, OffsetFetch,
 * OffsetDelete, the end of a transaction, and the expiry of old offsets of empty groups. A commit is applied when its
 * records are durable, so OffsetFetch never shows an offset a restart could lose.
 *
 * <p>Offsets committed inside a transaction are written as one transactional batch of the producer and stay pending
 * ({@link PendingTxnOffsets}), invisible to OffsetFetch, until the producer's COMMIT or ABORT marker.
 */
final class GroupOffsets {

    private static final Logger LOG = LoggerFactory.getLogger(GroupOffsets.class);

    private final Map<String, ClassicGroup> groups;
    private final PendingTxnOffsets txnOffsets = new PendingTxnOffsets();
    private final GroupEffects effects;
    private final TopicStore topics;
    private final GroupSettings settings;
    private final ClassicGroupProtocol classic;
    private final ConsumerProtocolCoordinator consumerProtocol;

    GroupOffsets(final Map<String, ClassicGroup> groups, final GroupEffects effects, final TopicStore topics,
            final GroupSettings settings, final ClassicGroupProtocol classic, final ConsumerProtocolCoordinator consumerProtocol) {
        this.groups = groups;
        this.effects = effects;
        this.topics = topics;
        this.settings = settings;
        this.classic = classic;
        this.consumerProtocol = consumerProtocol;
    }

    // ------------------------------------------------------------------------------------------------ replay

    /** A plain offset record (or its tombstone) read back from the log. */
    void replay(final GroupRecords.Key key, final java.nio.ByteBuffer value) {
        if (value == null) {
            final ClassicGroup g = groups.get(key.group());
            if (g != null) {
                g.offsets.remove(key.partition());
            }
            txnOffsets.remove(key.group(), key.partition());
            return;
        }
        groups.computeIfAbsent(key.group(), ClassicGroup::new).offsets.put(key.partition(),
                committedOffset(GroupRecords.readOffsetValue(value)));
        txnOffsets.supersede(key.group(), key.partition());
    }

    /** An offset record of a transactional batch at {@code batchOffset}: pending until its producer's marker. */
    void replayTransactional(final long producerId, final long batchOffset, final GroupRecords.Key key,
            final java.nio.ByteBuffer value) {
        if (key.type() != GroupRecords.OFFSET_KEY || value == null) {
            throw new IllegalStateException("a transactional batch at offset " + batchOffset
                    + " holds a record other than a committed offset");
        }
        txnOffsets.add(producerId, key.group(), key.partition(), committedOffset(GroupRecords.readOffsetValue(value)),
                batchOffset);
    }

    /** Applies (commit) or drops (abort) the offsets the producer wrote before its marker at {@code markerOffset}. */
    void endTransaction(final long producerId, final boolean commit, final long markerOffset) {
        if (!commit) {
            txnOffsets.abort(producerId, markerOffset);
            return;
        }
        txnOffsets.commit(producerId, markerOffset).forEach((groupId, offsets) ->
                groups.computeIfAbsent(groupId, ClassicGroup::new).offsets.putAll(offsets));
    }

    private static ClassicGroup.CommittedOffset committedOffset(final GroupRecords.OffsetValue v) {
        return new ClassicGroup.CommittedOffset(v.offset(), v.leaderEpoch(), v.metadata(), v.commitTimestampMs());
    }

    // ------------------------------------------------------------------------------------------------ commits

    void commit(final OffsetCommitRequestData req, final Consumer<OffsetCommitResponseData> reply) {
        final Errors groupError = checkCommit(req);
        final OffsetCommitResponseData response = new OffsetCommitResponseData();
        final List<SimpleRecord> records = new ArrayList<>();
        final Map<TopicPartition, ClassicGroup.CommittedOffset> accepted = new HashMap<>();
        for (final OffsetCommitRequestData.OffsetCommitRequestTopic t : req.topics()) {
            final OffsetCommitResponseData.OffsetCommitResponseTopic rt =
                    new OffsetCommitResponseData.OffsetCommitResponseTopic().setName(t.name()).setTopicId(t.topicId());
            response.topics().add(rt);
            final Optional<TopicMetadata> topic = t.name() == null || t.name().isEmpty() ? topics.topic(t.topicId())
                    : topics.topic(t.name());
            for (final OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                final Errors error = groupError != Errors.NONE ? groupError : accept(req.groupId(), topic,
                        p.partitionIndex(), p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata(),
                        accepted, records);
                rt.partitions().add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
            }
        }
        if (records.isEmpty()) {
            reply.accept(response);
            return;
        }
        final ClassicGroup group = groups.computeIfAbsent(req.groupId(), ClassicGroup::new);
        effects.write(records, (error, baseOffset) -> {
            if (error == Errors.NONE) {
                group.offsets.putAll(accepted);
                accepted.keySet().forEach(tp -> txnOffsets.supersede(req.groupId(), tp));
            } else {
                response.topics().forEach(t -> t.partitions().forEach(part -> {
                    if (part.errorCode() == Errors.NONE.code()) {
                        part.setErrorCode(error.code());
                    }
                }));
            }
            reply.accept(response);
        });
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
        final Errors memberError = ClassicGroupProtocol.checkMember(group, req.memberId(), req.groupInstanceId());
        if (memberError != Errors.NONE) {
            return memberError;
        }
        if (generation != group.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (group.is(ClassicGroup.State.COMPLETING_REBALANCE)) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        classic.scheduleSession(group, group.members.get(req.memberId()));
        return Errors.NONE;
    }

    /**
     * Checks one partition's offset of a commit; when it may be committed, adds it to {@code accepted} and its record
     * to {@code records}. Returns the partition's error, or NONE.
     */
    private Errors accept(final String groupId, final Optional<TopicMetadata> topic, final int partition, final long offset,
            final int leaderEpoch, final String metadata, final Map<TopicPartition, ClassicGroup.CommittedOffset> accepted,
            final List<SimpleRecord> records) {
        final Errors error = checkOffset(topic, partition, metadata);
        if (error == Errors.NONE) {
            final TopicPartition tp = new TopicPartition(topic.get().name(), partition);
            final ClassicGroup.CommittedOffset committed = new ClassicGroup.CommittedOffset(offset, leaderEpoch, metadata,
                    effects.nowMs());
            accepted.put(tp, committed);
            records.add(GroupRecords.offsetRecord(groupId, tp, committed));
        }
        return error;
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
    void txnCommit(final TxnOffsetCommitRequestData req, final Consumer<TxnOffsetCommitResponseData> reply) {
        final Errors groupError = checkTxnCommit(req);
        final TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        final List<SimpleRecord> records = new ArrayList<>();
        final Map<TopicPartition, ClassicGroup.CommittedOffset> accepted = new HashMap<>();
        for (final TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t : req.topics()) {
            final TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic rt =
                    new TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic().setName(t.name());
            response.topics().add(rt);
            final Optional<TopicMetadata> topic = t.name() == null ? Optional.empty() : topics.topic(t.name());
            for (final TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : t.partitions()) {
                final Errors error = groupError != Errors.NONE ? groupError : accept(req.groupId(), topic,
                        p.partitionIndex(), p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata(),
                        accepted, records);
                rt.partitions().add(new TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
            }
        }
        if (records.isEmpty()) {
            reply.accept(response);
            return;
        }
        effects.write(records, req.producerId(), req.producerEpoch(), (error, baseOffset) -> {
            if (error == Errors.NONE) {
                accepted.forEach((tp, offset) -> txnOffsets.add(req.producerId(), req.groupId(), tp, offset, baseOffset));
            } else {
                response.topics().forEach(t -> t.partitions().forEach(part -> {
                    if (part.errorCode() == Errors.NONE.code()) {
                        part.setErrorCode(error.code());
                    }
                }));
            }
            reply.accept(response);
        });
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
        final Errors memberError = ClassicGroupProtocol.checkMember(group, req.memberId(), req.groupInstanceId());
        if (memberError != Errors.NONE) {
            return memberError;
        }
        return generation == group.generationId ? Errors.NONE : Errors.ILLEGAL_GENERATION;
    }

    // ------------------------------------------------------------------------------------------------ reads, deletes

    GroupCoordinatorShard.FetchedOffsets fetch(final String groupId, final List<TopicPartition> partitions,
            final boolean requireStable) {
        final ClassicGroup group = groups.get(groupId);
        final Map<TopicPartition, ClassicGroup.CommittedOffset> out = new HashMap<>();
        final Set<TopicPartition> unstable = new HashSet<>();
        final List<TopicPartition> asked = partitions != null ? partitions
                : group != null ? new ArrayList<>(group.offsets.keySet()) : List.of();
        for (final TopicPartition tp : asked) {
            if (requireStable && txnOffsets.isPending(groupId, tp)) {
                unstable.add(tp);   // the transaction may still change it: the client retries
                continue;
            }
            final ClassicGroup.CommittedOffset o = group == null ? null : group.offsets.get(tp);
            if (o != null) {
                out.put(tp, o);
            }
        }
        return new GroupCoordinatorShard.FetchedOffsets(Errors.NONE, out, unstable);
    }

    void deleteOffsets(final String groupId, final List<TopicPartition> partitions,
            final Consumer<GroupCoordinatorShard.DeletedOffsets> reply) {
        final ClassicGroup group = groups.get(groupId);
        if (group == null) {
            reply.accept(new GroupCoordinatorShard.DeletedOffsets(Errors.GROUP_ID_NOT_FOUND, Map.of()));
            return;
        }
        final Set<String> subscribed = group.is(ClassicGroup.State.EMPTY) ? Set.of() : group.subscribedTopics();
        if (subscribed == null) {
            reply.accept(new GroupCoordinatorShard.DeletedOffsets(Errors.NON_EMPTY_GROUP, Map.of()));
            return;
        }
        final Map<TopicPartition, Errors> result = new HashMap<>();
        final List<SimpleRecord> tombstones = new ArrayList<>();
        final List<TopicPartition> deleted = new ArrayList<>();
        for (final TopicPartition tp : partitions) {
            if (subscribed.contains(tp.topic())) {
                result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
            } else {
                result.put(tp, Errors.NONE);
                // Offsets of open transactions go too, as in Kafka (a tombstone drops them on replay as well).
                if (group.offsets.containsKey(tp) || txnOffsets.isPending(group.groupId, tp)) {
                    deleted.add(tp);
                    tombstones.add(GroupRecords.tombstone(effects.nowMs(), GroupRecords.offsetKey(group.groupId, tp)));
                }
            }
        }
        effects.write(tombstones, (error, baseOffset) -> {
            if (error == Errors.NONE) {
                result.forEach((tp, e) -> {
                    if (e == Errors.NONE) {
                        group.offsets.remove(tp);
                    }
                });
                deleted.forEach(tp -> txnOffsets.remove(group.groupId, tp));
                reply.accept(new GroupCoordinatorShard.DeletedOffsets(Errors.NONE, result));
            } else {
                reply.accept(new GroupCoordinatorShard.DeletedOffsets(error, Map.of()));
            }
        });
    }

    /**
     * The partitions whose offsets go when the group is deleted: those of open transactions too (Kafka's rule), so
     * that their COMMIT does not bring the group back.
     */
    Set<TopicPartition> partitionsToDelete(final ClassicGroup group) {
        final Set<TopicPartition> partitions = new HashSet<>(group.offsets.keySet());
        partitions.addAll(txnOffsets.partitionsOf(group.groupId));
        return partitions;
    }

    /** The tombstones of these partitions are durable: their pending transactional offsets are gone too. */
    void forgetPending(final String groupId, final Set<TopicPartition> partitions) {
        partitions.forEach(tp -> txnOffsets.remove(groupId, tp));
    }

    /** Expires old offsets of empty groups, then forgets empty groups with no offsets left. */
    void expire() {
        final long now = effects.nowMs();
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
                    tombstones.add(GroupRecords.tombstone(effects.nowMs(), GroupRecords.offsetKey(g.groupId, e.getKey())));
                }
            }
        }
        if (tombstones.isEmpty()) {
            return;
        }
        effects.write(tombstones, (error, baseOffset) -> {
            if (error != Errors.NONE) {
                return;
            }
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
            LOG.info("Expired {} committed offset(s) older than offsets retention", tombstones.size());
        });
    }
}
