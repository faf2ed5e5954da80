package io.ailurus.partition.replica;

import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.log.LogSlice;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.producer.PartitionTransactions;
import io.ailurus.partition.producer.ProducerStateTable;
import io.ailurus.partition.raft.CommitWaiters;
import io.ailurus.partition.raft.EpochHistory;
import io.ailurus.partition.raft.FileRaftStateStore;
import io.ailurus.partition.raft.ProposeResult;
import io.ailurus.partition.raft.RaftListener;
import io.ailurus.partition.raft.RaftMember;
import io.ailurus.partition.raft.RaftMessage;
import io.ailurus.partition.raft.RaftOutbox;
import io.ailurus.partition.raft.RaftRole;
import io.ailurus.partition.raft.SegmentRaftLog;
import io.ailurus.partition.tier.PartitionTier;
import io.ailurus.partition.tier.Tiering;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One replica of one partition: a Cluster Sharding entity that owns the partition's segment log, its Raft member and
 * its producer (idempotence) state. Every write goes through this actor, which serializes it; reads go straight to the
 * log through the {@link ReplicaHandle} it registers.
 *
 * <p>Replication: the partition's replicas form one Raft group (the Kafka log is the Raft log, a batch's leader epoch
 * is its term). The leader appends produced batches and answers acks=1 at once, acks=all once the batch is committed
 * in the term it was appended in; the commit index is the high watermark, so consumers only see what a majority has
 * fsynced. Followers append what the leader sends. After any append the log is marked dirty for the node's
 * {@link GroupCommitFlusher}, whose report tells Raft what is durable; Raft counts only durable entries.
 *
 * <p>Runs on the dedicated {@code ailurus.partition-dispatcher} (appends write to files), never on the default one.
 */
public final class PartitionReplica extends AbstractBehavior<PartitionReplica.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "PartitionReplica");
    public static final String DISPATCHER = "ailurus.partition-dispatcher";

    /** How often Raft's timers are driven (heartbeats, elections). */
    private static final Duration TICK = Duration.ofMillis(50);
    /** Ticks between two steps of moving the voters towards the controller's placement. */
    private static final int TICKS_PER_MEMBERSHIP_STEP = 10;

    public sealed interface Command permits Append, DeleteRecords, UpdateConfig, Start, Stop, Delete, Flushed,
            FlushFailed, FlushHere, FirstElection, RetentionTick, RaftInbound, Tick, EndOffsetForEpoch, TransferLeadership,
            DescribeProducers, WriteTxnMarker {
    }

    /**
     * Appends a Produce request's records for this partition; acks is 0, 1 or -1 (all). The answer completes
     * {@code reply} (not an actor reply: the request path must not pay a temporary actor per produce, and a data-path
     * message never leaves its node).
     */
    /**
     * Appends batches. {@code verifiedMarkers}: for a client's transactional batch, the producer's marker count this
     * partition had when the produce was verified with the coordinator (KIP-890); -1 for writes that need no check.
     */
    public record Append(MemoryRecords records, short acks, CompletableFuture<AppendResult> reply, int verifiedMarkers)
            implements Command {

        public Append(final MemoryRecords records, final short acks, final CompletableFuture<AppendResult> reply) {
            this(records, acks, reply, -1);
        }
    }

    /** DeleteRecords: moves the log start offset up to {@code beforeOffset}; replies the new low watermark. */
    public record DeleteRecords(long beforeOffset, CompletableFuture<DeleteRecordsResult> reply) implements Command {
    }

    public record DeleteRecordsResult(Errors error, long lowWatermark) {
    }

    /** The topic's configs changed. */
    public record UpdateConfig(LogConfig config) implements Command {
    }

    /** Sent to every assigned replica when the node starts, so that it opens its log eagerly. */
    public enum Start implements Command { INSTANCE }

    /** The node is shutting down (sharding's stop message): close the log cleanly. */
    public enum Stop implements Command { INSTANCE }

    /** The topic was deleted: close the log and remove its data. */
    public record Delete(ActorRef<Done> replyTo) implements Command {
    }

    /** A Raft message from a peer replica of this partition. */
    public record RaftInbound(int fromNode, RaftMessage message) implements Command {
    }

    /** OffsetForLeaderEpoch, answered by the leader from its epoch history. */
    public record EndOffsetForEpoch(int epoch, CompletableFuture<EpochHistory.EpochEndOffset> reply) implements Command {
    }

    /** DescribeProducers, answered by the leader from its idempotence table. */
    public record DescribeProducers(CompletableFuture<DescribeProducersResult> reply) implements Command {
    }

    /** {@code producers} is empty unless {@code error} is NONE. */
    public record DescribeProducersResult(Errors error, List<ProducerStateTable.ProducerSnapshot> producers) {
    }

    /** Hands leadership to another replica (clean shutdown, rebalancing); completes with whether it started. */
    /**
     * Appends a transaction marker (COMMIT or ABORT) for {@code producerId}, written by its transaction coordinator;
     * completes once committed (acks=all).
     */
    public record WriteTxnMarker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
            CompletableFuture<AppendResult> reply) implements Command {
    }

    public record TransferLeadership(int targetNode, CompletableFuture<Boolean> reply) implements Command {
    }

    private record Flushed(long durableOffset, long generation) implements Command {
    }

    private record FlushFailed(RuntimeException failure) implements Command {
    }

    /**
     * A lone voter's group commit, done by the replica itself: queued behind the appends already in the mailbox, so
     * one fsync covers them all, and no thread hand-off stands between the fsync and the acknowledgements.
     */
    private enum FlushHere implements Command { INSTANCE }

    /** The preferred replica of a brand-new partition stands for election early: see {@link #FIRST_ELECTION_DELAY}. */
    private enum FirstElection implements Command { INSTANCE }

    private enum RetentionTick implements Command { INSTANCE }

    private enum Tick implements Command { INSTANCE }

    private record PendingAck(AppendResult result, CompletableFuture<AppendResult> reply) {
    }

    /** Entity id of the replica of {@code topicPartition} on node {@code nodeId}: {@code topic/partition/node}. */
    public static String entityId(final TopicPartition topicPartition, final int nodeId) {
        return topicPartition.topic() + "/" + topicPartition.partition() + "/" + nodeId;
    }

    static TopicPartition topicPartitionOf(final String entityId) {
        final String[] parts = entityId.split("/");
        return new TopicPartition(parts[0], Integer.parseInt(parts[1]));
    }

    /** The directory of a partition's log: {@code <data-dir>/<topic>/<partition>}. */
    public static Path logDirectory(final Path dataDir, final TopicPartition tp) {
        return dataDir.resolve(tp.topic()).resolve(Integer.toString(tp.partition()));
    }

    public static Behavior<Command> create(final String entityId, final ReplicaEnvironment env) {
        return Behaviors.setup(ctx -> {
            final TopicPartition tp = topicPartitionOf(entityId);
            final Optional<LogConfig> config = env.topicLogConfig().apply(tp.topic());
            if (config.isEmpty()) {
                ctx.getLog().info("Partition {} not started: topic '{}' does not exist", tp, tp.topic());
                return Behaviors.stopped();
            }
            final SegmentLog log = SegmentLog.open(logDirectory(env.dataDir(), tp), effective(config.get(), env));
            return Behaviors.withTimers(timers -> {
                timers.startTimerWithFixedDelay(RetentionTick.INSTANCE, env.retentionCheckInterval());
                timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
                return new PartitionReplica(ctx, tp, log, env);
            });
        });
    }

    /**
     * The settings the log obeys on this node: without tiered storage on the node a topic's remote storage is off
     * (its local retention would otherwise wait forever for uploads).
     */
    private static LogConfig effective(final LogConfig config, final ReplicaEnvironment env) {
        return env.tiering() == Tiering.NONE && config.remote().usesBucket()
                ? config.withRemote(io.ailurus.partition.log.RemoteStorageConfig.DISABLED) : config;
    }

    /** Long enough for the peers' replicas of a new partition to start (they learn of it at about the same time). */
    private static final Duration FIRST_ELECTION_DELAY = Duration.ofMillis(150);

    /** Ticks between two checks whether the active segment is old enough to roll for upload. */
    private static final int TICKS_PER_UPLOAD_ROLL_CHECK = 20;

    private final TopicPartition tp;
    private final SegmentLog log;
    private final PartitionTier tier;
    private int ticksToUploadRollCheck = TICKS_PER_UPLOAD_ROLL_CHECK;
    private final SegmentRaftLog raftLog;
    private final RaftMember member;
    private final ReplicaEnvironment env;
    private final ReplicaHandle handle;
    private final GroupCommitFlusher.Dirty dirty;
    private final ProducerStateTable producers = new ProducerStateTable();
    private final CommitWaiters<PendingAck> pendingAcks = new CommitWaiters<>();
    /** Mirrors the member's log generation for the fsync threads, moved only after a truncation completed. */
    private volatile long flushGeneration;
    private boolean flushHereQueued;
    private boolean appendAwaitsDurability;   // set while an acks=all append is being proposed
    private long appendTimeMs = -1;
    /** The voters last reported to the leadership table in this term, and how many reports were made. */
    private List<Integer> reportedVoters = List.of();
    private int votersReports;
    /** A joining replica becomes a voter once it has reached the commit index seen one membership step earlier. */
    private long catchUpMark = Long.MAX_VALUE;
    private int ticksToMembershipStep = TICKS_PER_MEMBERSHIP_STEP;
    private boolean leading;
    private boolean closed;

    private PartitionReplica(final ActorContext<Command> ctx, final TopicPartition tp, final SegmentLog log,
            final ReplicaEnvironment env) {
        super(ctx);
        this.tp = tp;
        this.log = log;
        this.env = env;
        // Appends are stamped with the produce request's wall time when there is one, so that a LogAppendTime topic
        // answers the producer with exactly the time it stored.
        this.raftLog = SegmentRaftLog.open(log, () -> appendTimeMs >= 0 ? appendTimeMs : System.currentTimeMillis());
        final boolean brandNew = log.logEndOffset() == 0 && !Files.exists(log.directory().resolve(FileRaftStateStore.FILE_NAME));
        restoreFromBucketIfNew(ctx);
        final ActorRef<Command> self = ctx.getSelf();
        this.dirty = new GroupCommitFlusher.Dirty(log, () -> flushGeneration,
                GroupCommitFlusher.Listener.tellingActor(self, Flushed::new, FlushFailed::new));
        this.handle = new ReplicaHandle(tp, log, self);
        final long groupId = handle.groupId();
        final List<Integer> placed = env.replicaSet().apply(tp);
        final List<Integer> voters = placed.isEmpty() ? List.of(env.nodeId()) : placed;
        final RaftOutbox outbox = env.network() == null
                ? (to, message) -> { }
                : (to, message) -> env.network().send(to, groupId, message);
        final long now = now();
        this.member = new RaftMember(tp.toString(), env.nodeId(), voters, env.raftConfig(), raftLog,
                new FileRaftStateStore(log.directory()), outbox, new Events(), new Random(), now);
        this.flushGeneration = member.logGeneration();
        this.tier = env.tiering().attach(tp, log, handle.transactions(), ctx);
        handle.setRemote(tier.remote());
        env.replicas().add(handle);
        if (voters.size() == 1 && voters.get(0) == env.nodeId()) {
            // A partition with one replica needs no election timeout to elect its only voter.
            member.tick(now + 2 * env.raftConfig().electionTimeoutMinMs());
        } else if (brandNew && voters.get(0) == env.nodeId()) {
            // A new topic should have leaders when CreateTopics answers (clients use it at once, as with Kafka): its
            // preferred replica does not wait out an election timeout, only for its peers' replicas to start.
            ctx.scheduleOnce(FIRST_ELECTION_DELAY, self, FirstElection.INSTANCE);
        }
    }

    /**
     * A partition of a topic created from the bucket ({@code redpanda.remote.recovery}) whose log is brand new starts
     * where the bucket ends, in a term after the bucket's last epoch: producing continues at the next offset and the
     * bucket serves everything below. Every replica computes the same point from the same manifest.
     */
    private void restoreFromBucketIfNew(final ActorContext<Command> ctx) {
        final Path dir = log.directory();
        if (!log.config().remote().recovery() || log.logEndOffset() != 0
                || Files.exists(dir.resolve(FileRaftStateStore.FILE_NAME))) {
            return;
        }
        final Optional<Tiering.RestorePoint> found = env.tiering().restorePoint(tp);
        if (found.isEmpty()) {
            ctx.getLog().info("Partition {}: the bucket holds nothing to restore; it starts empty", tp);
            return;
        }
        final Tiering.RestorePoint point = found.get();
        raftLog.resetTo(point.nextOffset(), point.lastEpoch());
        new FileRaftStateStore(dir).save(new io.ailurus.partition.raft.RaftStateStore.ElectionState(point.lastEpoch(), -1));
        ctx.getLog().info("Partition {} restored from the bucket: continues at offset {} after epoch {}", tp,
                point.nextOffset(), point.lastEpoch());
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    /** Raft's reports, inside the member's calls on this actor's thread. */
    private final class Events implements RaftListener {

        @Override
        public void onRoleChange(final RaftRole role, final int term, final int leaderId) {
            for (final PendingAck ack : pendingAcks.failOnRoleChange(role, term)) {
                ack.reply().complete(AppendResult.failed(Errors.NOT_LEADER_OR_FOLLOWER,
                        "leadership changed before the write committed", log.logStartOffset()));
            }
            reportedVoters = List.of();
            catchUpMark = Long.MAX_VALUE;
            if (role != RaftRole.LEADER) {
                setLeading(false, leaderId, term);
            } else {
                // Serve only once an entry of this term commits (onCommit): the high watermark is current then.
                handle.setLeadership(new ReplicaHandle.Leadership(leaderId, term, false));
            }
            env.leadership().leaderChanged(tp, leaderId, term);
        }

        @Override
        public void onCommit(final long commitIndex, final int leaderTerm, final boolean asLeader) {
            // The last stable offset moves with the high watermark before any acknowledgement goes out: a
            // read_committed ListOffsets right after an ack must not see the end before the acked record (chaos A10).
            if (asLeader) {
                handle.transactions().update(log.highWatermark());
            }
            for (final PendingAck ack : pendingAcks.onCommit(commitIndex, leaderTerm, asLeader)) {
                ack.reply().complete(ack.result());
            }
            if (asLeader && !leading) {
                rebuildProducerState();
                setLeading(true, env.nodeId(), leaderTerm);
            }
            handle.setReadLeaseUntil(member.readLeaseUntilMs(now()));
            if (asLeader && member.votersCommitted() && !member.voters().equals(reportedVoters)) {
                reportedVoters = member.voters();
                env.leadership().votersCommitted(tp, env.nodeId(), leaderTerm, reportedVoters, ++votersReports);
            }
            handle.wakeWaiters();
        }

        @Override
        public void onAppended(final long logEndOffset) {
            if (appendAwaitsDurability && member.voters().size() == 1 && member.voters().get(0) == env.nodeId()) {
                // An acks=all producer waits for this fsync and nobody needs replicating to meanwhile: fsync here
                // (this dispatcher is for file I/O), saving the round trip through a flusher thread. Appends nobody
                // waits on (acks 0/1) leave the fsync to the flusher, so that it never delays the next append.
                if (!flushHereQueued) {
                    flushHereQueued = true;
                    getContext().getSelf().tell(FlushHere.INSTANCE);
                }
            } else {
                env.flusher().markDirty(dirty);
            }
        }

        @Override
        public void onTruncated(final long newEndOffset) {
            flushGeneration = member.logGeneration();
        }
    }

    private void setLeading(final boolean nowLeading, final int leaderId, final int term) {
        handle.setLeadership(new ReplicaHandle.Leadership(leaderId, term, nowLeading));
        if (nowLeading != leading) {
            leading = nowLeading;
            env.replicas().leadershipChanged(handle, nowLeading);
            tier.leadershipChanged(nowLeading, term);
        }
    }

    /**
     * Replays the batch headers of the log into the producer table and the partition's transactions (idempotence and
     * the last stable offset follow leadership).
     */
    private void rebuildProducerState() {
        producers.clear();
        final PartitionTransactions transactions = handle.transactions();
        transactions.clear();
        long offset = log.logStartOffset();
        final long end = log.logEndOffset();
        while (offset < end) {
            final LogSlice slice = log.read(offset, 1 << 20, end);
            if (slice.isEmpty()) {
                break;
            }
            for (final RecordBatch batch : slice.records().batches()) {
                if (batch.hasProducerId()) {
                    recordProducerBatch(batch);
                }
                offset = batch.nextOffset();
            }
        }
        transactions.update(log.highWatermark());
    }

    /** What an appended or replayed batch of a producer tells the producer table and the transactions. */
    private void recordProducerBatch(final RecordBatch batch) {
        if (batch.isControlBatch()) {
            final EndTransactionMarker marker = PartitionTransactions.marker(batch);
            if (marker != null) {
                producers.recordMarker(batch.producerId(), batch.producerEpoch(), marker.coordinatorEpoch());
                handle.transactions().onControlBatch(batch);
            }
            return;
        }
        producers.record(batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(),
                batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp());
        handle.transactions().onDataBatch(batch);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Append.class, this::onAppend)
                .onMessage(RaftInbound.class, this::onRaftInbound)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessage(Flushed.class, this::onFlushed)
                .onMessage(FlushFailed.class, this::onFlushFailed)
                .onMessageEquals(FlushHere.INSTANCE, this::onFlushHere)
                .onMessageEquals(FirstElection.INSTANCE, () -> {
                    if (!closed && member.role() != RaftRole.LEADER && member.leaderId() < 0 && member.term() == 0) {
                        member.tick(now() + 2 * env.raftConfig().electionTimeoutMinMs());
                    }
                    return this;
                })
                .onMessage(DeleteRecords.class, this::onDeleteRecords)
                .onMessage(EndOffsetForEpoch.class, this::onEndOffsetForEpoch)
                .onMessage(DescribeProducers.class, this::onDescribeProducers)
                .onMessage(WriteTxnMarker.class, this::onWriteTxnMarker)
                .onMessage(TransferLeadership.class, this::onTransferLeadership)
                .onMessage(UpdateConfig.class, this::onUpdateConfig)
                .onMessageEquals(Start.INSTANCE, () -> this)
                .onMessageEquals(RetentionTick.INSTANCE, this::onRetentionTick)
                .onMessageEquals(Stop.INSTANCE, this::onStop)
                .onMessage(Delete.class, this::onDelete)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<Command> onRaftInbound(final RaftInbound inbound) {
        if (!closed) {
            final long now = now();
            member.handle(inbound.fromNode(), inbound.message(), now);
            handle.setReadLeaseUntil(member.readLeaseUntilMs(now));   // acknowledgements extend it
        }
        return this;
    }

    private Behavior<Command> onTick() {
        if (!closed) {
            member.tick(now());
            handle.setReadLeaseUntil(member.readLeaseUntilMs(now()));
            if (--ticksToUploadRollCheck <= 0) {
                ticksToUploadRollCheck = TICKS_PER_UPLOAD_ROLL_CHECK;
                rollForUpload();
            }
            if (--ticksToMembershipStep <= 0) {
                ticksToMembershipStep = TICKS_PER_MEMBERSHIP_STEP;
                if (leading) {
                    stepTowardsPlacement(now());
                }
            }
        }
        return this;
    }

    /** A leader of a tiered partition rolls a quiet active segment once it is older than the upload interval. */
    private void rollForUpload() {
        final long maxAgeMs = tier.activeSegmentMaxAgeMs();
        if (!leading || maxAgeMs < 0 || !log.config().remote().enabled()) {
            return;
        }
        try {
            log.rollIfOlderThan(maxAgeMs, System.currentTimeMillis());
        } catch (KafkaStorageException e) {
            getContext().getLog().error("Partition {}: rolling for upload failed: {}", tp, e.getMessage());
        }
    }

    /**
     * Moves the Raft voters one server at a time towards the replicas the controller placed (a replica move): a new
     * replica first catches up as a learner, then becomes a voter; only then is a leaving one removed, so the group
     * never has fewer than its usual majority. A leader that is leaving hands its leadership on first.
     */
    private void stepTowardsPlacement(final long nowMs) {
        final List<Integer> placed = env.replicaSet().apply(tp);
        final List<Integer> voters = member.voters();
        if (placed.isEmpty() || !member.votersCommitted()) {
            return;
        }
        final Optional<Integer> joining = placed.stream().filter(n -> !voters.contains(n)).findFirst();
        if (joining.isPresent()) {
            final int node = joining.get();
            if (!member.isLearner(node)) {
                if (member.addLearner(node, nowMs)) {
                    catchUpMark = member.commitIndex();
                }
            } else if (member.matchEndOf(node) >= catchUpMark) {
                final ProposeResult added = member.addVoter(node, nowMs);
                getContext().getLog().info("Partition {}: adding node {} as a voter ({})", tp, node, added);
            } else {
                catchUpMark = member.commitIndex();
            }
            return;
        }
        final Optional<Integer> leaving = voters.stream().filter(n -> !placed.contains(n)).findFirst();
        if (leaving.isEmpty()) {
            return;
        }
        final int node = leaving.get();
        if (node == env.nodeId()) {
            voters.stream().filter(n -> n != node && placed.contains(n)).max(Comparator.comparingLong(member::matchEndOf))
                    .filter(successor -> member.transferLeadership(successor, nowMs))
                    .ifPresent(successor -> getContext().getLog().info(
                            "Partition {}: leaving this node, handing leadership to node {}", tp, successor));
        } else {
            final ProposeResult removed = member.removeVoter(node, nowMs);
            getContext().getLog().info("Partition {}: removing node {} from the voters ({})", tp, node, removed);
        }
    }

    private Behavior<Command> onAppend(final Append append) {
        if (!leading) {
            append.reply().complete(AppendResult.failed(Errors.NOT_LEADER_OR_FOLLOWER,
                    "this replica does not lead " + tp, log.logStartOffset()));
            return this;
        }
        if (log.config().remote().readReplica()) {
            append.reply().complete(AppendResult.failed(Errors.INVALID_TOPIC_EXCEPTION, "topic " + tp.topic()
                    + " is a read replica of bucket '" + log.config().remote().readReplicaBucket()
                    + "': produce to the cluster that owns it", log.logStartOffset()));
            return this;
        }
        final MemoryRecords records = append.records();
        final String ended = endedTransaction(records, append.verifiedMarkers());
        if (ended != null) {
            getContext().getLog().info("Partition {}: refused a transactional batch: {}", tp, ended);
            append.reply().complete(AppendResult.failed(Errors.INVALID_TXN_STATE, ended, log.logStartOffset()));
            return this;
        }
        final ProducerStateTable.Check check = checkProducer(records);
        if (check.isDuplicate()) {
            final ProducerStateTable.BatchMetadata original = check.duplicateOf();
            final AppendResult result = new AppendResult(Errors.NONE, null, original.firstOffset(),
                    RecordBatch.NO_TIMESTAMP, log.logStartOffset());
            if (append.acks() != -1 || original.lastOffset() < log.highWatermark()) {
                append.reply().complete(result);
            } else {
                // The original is not committed yet: acknowledge the retry when it commits in this term.
                pendingAcks.add(new ProposeResult.Accepted(original.firstOffset(), original.lastOffset(), member.term()),
                        new PendingAck(result, append.reply()));
            }
            return this;
        }
        if (check.error() != Errors.NONE) {
            append.reply().complete(AppendResult.failed(check.error(), check.message(), log.logStartOffset()));
            return this;
        }
        final long nowMs = System.currentTimeMillis();
        final ProposeResult proposed;
        try {
            appendTimeMs = nowMs;
            appendAwaitsDurability = append.acks() == -1;
            proposed = member.propose(records, now());   // the member's clock is monotonic; nowMs is wall time
        } catch (KafkaStorageException e) {
            append.reply().complete(AppendResult.failed(Errors.KAFKA_STORAGE_ERROR, e.getMessage(), log.logStartOffset()));
            return this;
        } catch (ApiException e) {
            append.reply().complete(AppendResult.failed(Errors.forException(e), e.getMessage(), log.logStartOffset()));
            return this;
        } finally {
            appendTimeMs = -1;
            appendAwaitsDurability = false;
        }
        if (!(proposed instanceof ProposeResult.Accepted accepted)) {
            append.reply().complete(AppendResult.failed(Errors.NOT_LEADER_OR_FOLLOWER,
                    "this replica does not lead " + tp, log.logStartOffset()));
            return this;
        }
        for (final MutableRecordBatch batch : records.batches()) {
            if (batch.hasProducerId()) {
                recordProducerBatch(batch);
            }
        }
        final long appendTime = log.config().timestampType() == TimestampType.LOG_APPEND_TIME
                ? nowMs : RecordBatch.NO_TIMESTAMP;
        final AppendResult result = new AppendResult(Errors.NONE, null, accepted.baseOffset(), appendTime,
                log.logStartOffset());
        if (append.acks() != -1) {
            append.reply().complete(result);
        } else {
            pendingAcks.add(accepted, new PendingAck(result, append.reply()));
        }
        return this;
    }

    /**
     * Why a verified transactional batch may not be appended: its producer has no transaction open here and a marker
     * arrived since the produce was verified, so the transaction it belongs to has ended (aborted by a timeout or a
     * newer incarnation). Appending it would open a transaction no coordinator knows of, and hold the last stable
     * offset for ever. Null when it may be appended.
     */
    private String endedTransaction(final MemoryRecords records, final int verifiedMarkers) {
        if (verifiedMarkers < 0) {
            return null;
        }
        for (final MutableRecordBatch batch : records.batches()) {
            final long pid = batch.producerId();
            if (batch.isTransactional() && !batch.isControlBatch() && !handle.transactions().hasOpenTransaction(pid)
                    && handle.transactions().markersOf(pid) != verifiedMarkers) {
                return "the transaction of producer " + pid + " ended before its batch arrived";
            }
        }
        return null;
    }

    private Behavior<Command> onWriteTxnMarker(final WriteTxnMarker marker) {
        if (!leading) {
            marker.reply().complete(AppendResult.failed(Errors.NOT_LEADER_OR_FOLLOWER,
                    "this replica does not lead " + tp, log.logStartOffset()));
            return this;
        }
        final ProducerStateTable.Check check = producers.checkMarker(marker.producerId(), marker.producerEpoch(),
                marker.coordinatorEpoch());
        if (check.error() != Errors.NONE) {
            marker.reply().complete(AppendResult.failed(check.error(), check.message(), log.logStartOffset()));
            return this;
        }
        final MemoryRecords records = MemoryRecords.withEndTransactionMarker(System.currentTimeMillis(),
                marker.producerId(), marker.producerEpoch(), new EndTransactionMarker(
                        marker.commit() ? ControlRecordType.COMMIT : ControlRecordType.ABORT, marker.coordinatorEpoch()));
        final ProposeResult proposed;
        try {
            appendAwaitsDurability = true;
            proposed = member.propose(records, now());
        } catch (KafkaStorageException e) {
            marker.reply().complete(AppendResult.failed(Errors.KAFKA_STORAGE_ERROR, e.getMessage(), log.logStartOffset()));
            return this;
        } finally {
            appendAwaitsDurability = false;
        }
        if (!(proposed instanceof ProposeResult.Accepted accepted)) {
            marker.reply().complete(AppendResult.failed(Errors.NOT_LEADER_OR_FOLLOWER,
                    "this replica does not lead " + tp, log.logStartOffset()));
            return this;
        }
        for (final MutableRecordBatch batch : records.batches()) {
            recordProducerBatch(batch);
        }
        pendingAcks.add(accepted, new PendingAck(new AppendResult(Errors.NONE, null, accepted.baseOffset(),
                RecordBatch.NO_TIMESTAMP, log.logStartOffset()), marker.reply()));
        return this;
    }

    /**
     * Checks the producer sequence of every batch; a lone batch that repeats an appended one is a duplicate (a retry
     * whose first response was lost).
     */
    private ProducerStateTable.Check checkProducer(final MemoryRecords records) {
        ProducerStateTable.Check result = null;
        int batches = 0;
        for (final MutableRecordBatch batch : records.batches()) {
            batches++;
            if (batch.isControlBatch()) {
                return new ProducerStateTable.Check(Errors.INVALID_RECORD, null,
                        "clients may not write control batches (transaction markers are the coordinator's)");
            }
            if (!batch.hasProducerId()) {
                continue;
            }
            final ProducerStateTable.Check check = producers.check(batch.producerId(), batch.producerEpoch(),
                    batch.baseSequence(), batch.lastSequence());
            if (check.error() != Errors.NONE && !check.isDuplicate()) {
                return check;
            }
            if (result == null) {
                result = check;
            }
        }
        if (result == null || (result.isDuplicate() && batches > 1)) {
            return new ProducerStateTable.Check(Errors.NONE, null, null);
        }
        return result;
    }

    private Behavior<Command> onFlushed(final Flushed flushed) {
        if (!closed) {
            member.onDurable(flushed.generation(), flushed.durableOffset());
        }
        return this;
    }

    private Behavior<Command> onFlushHere() {
        flushHereQueued = false;
        if (closed) {
            return this;
        }
        final long generation = flushGeneration;
        final long target = log.logEndOffset();
        try {
            log.flush(target);
        } catch (RuntimeException e) {
            return onFlushFailed(new FlushFailed(e));
        }
        member.onDurable(generation, target);
        if (log.runwayLow()) {
            env.flusher().extendRunway(dirty);   // zeros + their fsync on a flusher thread, off this actor
        }
        return this;
    }

    private Behavior<Command> onFlushFailed(final FlushFailed failed) {
        getContext().getLog().error("Partition {}: fsync failed, log offline: {}", tp, failed.failure().toString());
        for (final PendingAck ack : pendingAcks.failOnRoleChange(RaftRole.FOLLOWER, member.term())) {
            ack.reply().complete(AppendResult.failed(Errors.KAFKA_STORAGE_ERROR, "fsync failed", log.logStartOffset()));
        }
        return this;
    }

    private Behavior<Command> onDeleteRecords(final DeleteRecords request) {
        if (!leading) {
            request.reply().complete(new DeleteRecordsResult(Errors.NOT_LEADER_OR_FOLLOWER, log.logStartOffset()));
            return this;
        }
        try {
            log.deleteRecordsBefore(request.beforeOffset());
            tier.logStartMoved(request.beforeOffset());   // the bucket's start too (it may lie below the local one)
            request.reply().complete(new DeleteRecordsResult(Errors.NONE, handle.logStartOffset()));
        } catch (ApiException e) {
            request.reply().complete(new DeleteRecordsResult(Errors.forException(e), log.logStartOffset()));
        }
        return this;
    }

    private Behavior<Command> onDescribeProducers(final DescribeProducers request) {
        request.reply().complete(leading ? new DescribeProducersResult(Errors.NONE, producers.snapshot(handle.transactions()))
                : new DescribeProducersResult(Errors.NOT_LEADER_OR_FOLLOWER, List.of()));
        return this;
    }

    private Behavior<Command> onEndOffsetForEpoch(final EndOffsetForEpoch request) {
        final int firstLocal = raftLog.firstEpoch();
        if (firstLocal >= 0 && request.epoch() < firstLocal) {
            // An epoch older than the local history (a restored partition): the bucket's segments know it.
            final Optional<Long> inBucket = tier.remote().endOffsetForEpoch(request.epoch());
            if (inBucket.isPresent()) {
                request.reply().complete(new EpochHistory.EpochEndOffset(request.epoch(), inBucket.get()));
                return this;
            }
        }
        request.reply().complete(raftLog.endOffsetFor(request.epoch()));
        return this;
    }

    private Behavior<Command> onTransferLeadership(final TransferLeadership request) {
        request.reply().complete(!closed && member.transferLeadership(request.targetNode(), now()));
        handle.setReadLeaseUntil(member.readLeaseUntilMs(now()));   // a transferring leader answers no more reads
        return this;
    }

    private Behavior<Command> onUpdateConfig(final UpdateConfig update) {
        final LogConfig config = effective(update.config(), env);
        log.updateConfig(config);
        tier.configChanged(config);
        return this;
    }

    private Behavior<Command> onRetentionTick() {
        try {
            log.deleteExpiredSegments(System.currentTimeMillis());
            // The local start, not the partition's: below it Fetch reads the bucket, whose manifest records the
            // aborted transactions of every uploaded segment.
            handle.transactions().trimBefore(log.logStartOffset());
        } catch (KafkaStorageException e) {
            getContext().getLog().error("Partition {}: retention failed: {}", tp, e.getMessage());
        }
        return this;
    }

    private Behavior<Command> onStop() {
        close();
        return Behaviors.stopped();
    }

    private Behavior<Command> onDelete(final Delete delete) {
        if (leading) {
            tier.topicDeleted();   // the leader cleans the bucket; the other replicas only their disks
        }
        close();
        final Path dir = log.directory();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(PartitionReplica::deleteQuietly);
        } catch (IOException e) {
            getContext().getLog().warn("Partition {}: could not remove {}: {}", tp, dir, e.toString());
        }
        delete.replyTo().tell(Done.getInstance());
        return Behaviors.stopped();
    }

    private static void deleteQuietly(final Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Behavior<Command> onPostStop() {
        close();
        return this;
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        setLeading(false, -1, member.term());
        tier.close();
        env.replicas().remove(handle);
        for (final PendingAck ack : pendingAcks.failOnRoleChange(RaftRole.FOLLOWER, Integer.MAX_VALUE)) {
            ack.reply().complete(AppendResult.failed(Errors.NOT_LEADER_OR_FOLLOWER, "partition stopped", log.logStartOffset()));
        }
        handle.wakeWaiters();
        try {
            log.close();
        } catch (IOException | RuntimeException e) {
            getContext().getLog().warn("Partition {}: closing the log failed: {}", tp, e.toString());
        }
    }
}
