package io.ailurus.kafka.group;

import io.ailurus.cluster.metadata.TopicStore;
import io.ailurus.kafka.Futures;
import io.ailurus.partition.log.LogSlice;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.replica.AppendResult;
import io.ailurus.partition.replica.PartitionClient;
import io.ailurus.partition.replica.PartitionReplica;
import io.ailurus.partition.replica.ReplicaHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
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
 * The group coordinator for the groups of one {@code __consumer_offsets} partition: a thin actor over
 * {@link GroupCoordinatorState} (classic groups, consumer-protocol groups, offsets). It runs where that partition is
 * led, rebuilds the state by replaying the partition when it starts, hands it each request with the current time, and
 * does what the state asks: appends (acks=all) whose outcome it reports back before the state answers, so a restarted
 * coordinator knows every commit it acknowledged, and timers it fires back.
 *
 * <p>The transaction coordinator ends a transaction here ({@link CompleteTransaction}): the marker goes to this
 * partition's replica, then the state applies or drops the producer's pending offsets.
 *
 * <p>The partition is compacted by the log cleaner ({@code cleanup.policy=compact}): a replay needs only the newest
 * record per key (a group, or a group's offset of one partition), and a tombstone deletes.
 */
public final class GroupCoordinatorShard extends AbstractBehavior<GroupCoordinatorShard.Command> {

    public sealed interface Command permits Join, Sync, Heartbeat, Leave, CommitOffsets, FetchOffsets, Describe,
            DescribeConsumerGroup, ListAll, DeleteGroup, DeleteOffsets, TimerFired, Persisted, Tick, Stop,
            ConsumerHeartbeat, TxnCommitOffsets, CompleteTransaction, MarkerWritten {
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

    /** ConsumerGroupHeartbeat of the consumer protocol (KIP-848). */
    public record ConsumerHeartbeat(ConsumerGroupHeartbeatRequestData request, String clientId, String clientHost,
            ActorRef<ConsumerGroupHeartbeatResponseData> replyTo) implements Command {
    }

    private record TimerFired(String key, GroupTimer timer) implements Command {
    }

    private record Persisted(long writeId, Errors error, long baseOffset) implements Command {
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

    private final int partition;
    private final ReplicaHandle log;
    private final PartitionClient writer;
    private final GroupCoordinatorState state;

    private GroupCoordinatorShard(final ActorContext<Command> ctx, final TimerScheduler<Command> timers,
            final int partition, final ReplicaHandle log, final PartitionClient writer, final TopicStore topics,
            final GroupSettings settings) {
        super(ctx);
        this.partition = partition;
        this.log = log;
        this.writer = writer;
        this.state = new GroupCoordinatorState(settings, topics, new GroupCoordinatorOutput() {
            @Override
            public void write(final long writeId, final List<SimpleRecord> records, final long producerId,
                    final short producerEpoch) {
                append(writeId, records, producerId, producerEpoch);
            }

            @Override
            public void schedule(final String key, final GroupTimer timer, final long delayMs) {
                timers.startSingleTimer(key, new TimerFired(key, timer), Duration.ofMillis(delayMs));
            }

            @Override
            public void cancel(final String key) {
                timers.cancel(key);
            }
        });
    }

    /** Replays the partition up to its high watermark into the state. */
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
                records += state.replay(batch, offset);
                offset = batch.nextOffset();
            }
        }
        final int groups = state.loaded(System.currentTimeMillis());
        getContext().getLog().info("Group coordinator for __consumer_offsets-{} loaded {} group(s) from {} record(s)",
                partition, groups, records);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Join.class, j -> {
                    state.join(new ClassicGroupProtocol.JoinCall(j.request(), j.version(), j.clientId(), j.clientHost(),
                            j.replyTo()::tell), now());
                    return this;
                })
                .onMessage(Sync.class, s -> {
                    state.sync(s.request(), s.replyTo()::tell, now());
                    return this;
                })
                .onMessage(Heartbeat.class, h -> reply(h.replyTo(), state.heartbeat(h.request(), now())))
                .onMessage(Leave.class, l -> reply(l.replyTo(), state.leave(l.request(), l.version(), now())))
                .onMessage(ConsumerHeartbeat.class, h -> reply(h.replyTo(),
                        state.consumerHeartbeat(h.request(), h.clientId(), h.clientHost(), now())))
                .onMessage(CommitOffsets.class, c -> {
                    state.commit(c.request(), c.replyTo()::tell, now());
                    return this;
                })
                .onMessage(TxnCommitOffsets.class, c -> {
                    state.txnCommit(c.request(), c.replyTo()::tell, now());
                    return this;
                })
                .onMessage(CompleteTransaction.class, this::onCompleteTransaction)
                .onMessage(MarkerWritten.class, this::onMarkerWritten)
                .onMessage(FetchOffsets.class, f -> reply(f.replyTo(),
                        state.fetch(f.groupId(), f.partitions(), f.requireStable())))
                .onMessage(DeleteOffsets.class, d -> {
                    state.deleteOffsets(d.groupId(), d.partitions(), d.replyTo()::tell, now());
                    return this;
                })
                .onMessage(Describe.class, d -> reply(d.replyTo(), state.describe(d.groupId(), d.version())))
                .onMessage(DescribeConsumerGroup.class, d -> reply(d.replyTo(), state.describeConsumerGroup(d.groupId())))
                .onMessage(ListAll.class, l -> reply(l.replyTo(), state.list()))
                .onMessage(DeleteGroup.class, d -> {
                    state.deleteGroup(d.groupId(), d.replyTo()::tell, now());
                    return this;
                })
                .onMessage(TimerFired.class, t -> {
                    state.onTimer(t.key(), t.timer(), now());
                    return this;
                })
                .onMessage(Persisted.class, p -> {
                    state.written(p.writeId(), p.error(), p.baseOffset(), now());
                    return this;
                })
                .onMessageEquals(Tick.INSTANCE, () -> {
                    state.expireOffsets(now());
                    return this;
                })
                .onMessageEquals(Stop.INSTANCE, () -> {
                    state.unload(now());
                    return Behaviors.stopped();
                })
                .build();
    }

    private <T> Behavior<Command> reply(final ActorRef<T> to, final T message) {
        to.tell(message);
        return this;
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    // ------------------------------------------------------------------------------------------------ transactions

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

    /** The marker is committed: the state applies or drops the producer's offsets written before it. */
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
        state.transactionEnded(request.producerId(), request.commit(), written.result().baseOffset());
        request.reply().complete(Errors.NONE);
        return this;
    }

    // ------------------------------------------------------------------------------------------------ persistence

    /**
     * Appends records (acks=all) and reports the outcome to the state; with a producer id the records form one
     * transactional batch of that producer (no sequence: the partition fences it by epoch only), which its
     * transaction marker later commits or aborts.
     */
    private void append(final long writeId, final List<SimpleRecord> records, final long producerId,
            final short producerEpoch) {
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
                        return new Persisted(writeId, Errors.COORDINATOR_NOT_AVAILABLE, -1);
                    }
                    for (final CompletableFuture<AppendResult> r : results) {
                        final AppendResult result = r.join();
                        if (result.error() != Errors.NONE) {
                            return new Persisted(writeId, coordinatorError(result.error()), -1);
                        }
                    }
                    return new Persisted(writeId, Errors.NONE, results.get(0).join().baseOffset());
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
