package io.ailurus.partition.replica;

import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.log.LogSlice;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.producer.ProducerStateTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
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
 * One replica of one partition: a Cluster Sharding entity that owns the partition's segment log and its producer
 * (idempotence) state. All writes to the partition go through this actor, which serializes them; reads go straight
 * to the log through the {@link ReplicaHandle} it registers.
 *
 * <p>Durability: after each append the log is marked dirty for the node's {@link GroupCommitFlusher}; when it reports
 * an offset durable, the high watermark moves there, acks=all appends below it are answered and long-poll fetches
 * wake. acks=1 is answered once appended. The high watermark only covers fsynced data, so a consumer never sees a
 * record that a power loss could take back.
 *
 * <p>Runs on the dedicated {@code ailurus.partition-dispatcher} (appends write to files), never on the default one.
 */
public final class PartitionReplica extends AbstractBehavior<PartitionReplica.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "PartitionReplica");
    public static final String DISPATCHER = "ailurus.partition-dispatcher";

    public sealed interface Command permits Append, DeleteRecords, UpdateConfig, Start, Stop, Delete, Flushed,
            FlushFailed, RetentionTick {
    }

    /**
     * Appends a Produce request's records for this partition; acks is 0, 1 or -1 (all). The answer completes
     * {@code reply} (not an actor reply: the request path must not pay a temporary actor per produce, and a data-path
     * message never leaves its node).
     */
    public record Append(MemoryRecords records, short acks, CompletableFuture<AppendResult> reply) implements Command {
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

    private record Flushed(long durableOffset) implements Command {
    }

    private record FlushFailed(RuntimeException failure) implements Command {
    }

    private enum RetentionTick implements Command { INSTANCE }

    private record PendingAck(long lastOffset, AppendResult result, CompletableFuture<AppendResult> reply) {
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
            final SegmentLog log = SegmentLog.open(logDirectory(env.dataDir(), tp), config.get());
            return Behaviors.withTimers(timers -> {
                timers.startTimerWithFixedDelay(RetentionTick.INSTANCE, env.retentionCheckInterval());
                return new PartitionReplica(ctx, tp, log, env);
            });
        });
    }

    private final TopicPartition tp;
    private final SegmentLog log;
    private final ReplicaEnvironment env;
    private final ReplicaHandle handle;
    private final GroupCommitFlusher.Dirty dirty;
    private final ProducerStateTable producers = new ProducerStateTable();
    private final ArrayDeque<PendingAck> pendingAcks = new ArrayDeque<>();
    private boolean closed;

    private PartitionReplica(final ActorContext<Command> ctx, final TopicPartition tp, final SegmentLog log,
            final ReplicaEnvironment env) {
        super(ctx);
        this.tp = tp;
        this.log = log;
        this.env = env;
        rebuildProducerState();
        // Single node: what recovery kept is on disk, so all of it is committed.
        log.setHighWatermark(log.logEndOffset());
        final ActorRef<Command> self = ctx.getSelf();
        this.dirty = new GroupCommitFlusher.Dirty(log, new GroupCommitFlusher.Listener() {
            @Override
            public void flushed(final long durableOffset) {
                self.tell(new Flushed(durableOffset));
            }

            @Override
            public void flushFailed(final RuntimeException failure) {
                self.tell(new FlushFailed(failure));
            }
        });
        this.handle = new ReplicaHandle(tp, log, self);
        env.replicas().add(handle);
    }

    /** Replays the batch headers of the log into the producer table (idempotence survives restarts). */
    private void rebuildProducerState() {
        long offset = log.logStartOffset();
        final long end = log.logEndOffset();
        while (offset < end) {
            final LogSlice slice = log.read(offset, 1 << 20, end);
            if (slice.isEmpty()) {
                break;
            }
            for (final RecordBatch batch : slice.records().batches()) {
                producers.record(batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(),
                        batch.baseOffset(), batch.lastOffset());
                offset = batch.nextOffset();
            }
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Append.class, this::onAppend)
                .onMessage(Flushed.class, this::onFlushed)
                .onMessage(FlushFailed.class, this::onFlushFailed)
                .onMessage(DeleteRecords.class, this::onDeleteRecords)
                .onMessage(UpdateConfig.class, this::onUpdateConfig)
                .onMessageEquals(Start.INSTANCE, () -> this)
                .onMessageEquals(RetentionTick.INSTANCE, this::onRetentionTick)
                .onMessageEquals(Stop.INSTANCE, this::onStop)
                .onMessage(Delete.class, this::onDelete)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<Command> onAppend(final Append append) {
        final MemoryRecords records = append.records();
        final ProducerStateTable.Check check = checkProducer(records);
        if (check.isDuplicate()) {
            final ProducerStateTable.BatchMetadata original = check.duplicateOf();
            answer(append, original.lastOffset(), new AppendResult(Errors.NONE, null, original.firstOffset(),
                    RecordBatch.NO_TIMESTAMP, log.logStartOffset()));
            return this;
        }
        if (check.error() != Errors.NONE) {
            append.reply().complete(AppendResult.failed(check.error(), check.message(), log.logStartOffset()));
            return this;
        }
        final io.ailurus.partition.log.LogAppendInfo info;
        try {
            info = log.append(records, 0, System.currentTimeMillis());
        } catch (KafkaStorageException e) {
            append.reply().complete(AppendResult.failed(Errors.KAFKA_STORAGE_ERROR, e.getMessage(), log.logStartOffset()));
            return this;
        } catch (ApiException e) {
            append.reply().complete(AppendResult.failed(Errors.forException(e), e.getMessage(), log.logStartOffset()));
            return this;
        }
        for (final MutableRecordBatch batch : records.batches()) {
            producers.record(batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(),
                    batch.baseOffset(), batch.lastOffset());
        }
        env.flusher().markDirty(dirty);
        answer(append, info.lastOffset(), new AppendResult(Errors.NONE, null, info.firstOffset(),
                info.logAppendTimeMs(), log.logStartOffset()));
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

    /** acks=0/1 answer now; acks=all once the batch is durable. */
    private void answer(final Append append, final long lastOffset, final AppendResult result) {
        if (append.acks() != -1 || lastOffset < log.highWatermark()) {
            append.reply().complete(result);
        } else {
            pendingAcks.add(new PendingAck(lastOffset, result, append.reply()));
        }
    }

    private Behavior<Command> onFlushed(final Flushed flushed) {
        if (closed) {
            return this;
        }
        if (flushed.durableOffset() <= log.highWatermark()) {
            return this;   // an older report from another fsync thread
        }
        log.setHighWatermark(flushed.durableOffset());
        final long hw = log.highWatermark();
        while (!pendingAcks.isEmpty() && pendingAcks.peek().lastOffset() < hw) {
            final PendingAck ack = pendingAcks.poll();
            ack.reply().complete(ack.result());
        }
        handle.wakeWaiters();
        return this;
    }

    private Behavior<Command> onFlushFailed(final FlushFailed failed) {
        getContext().getLog().error("Partition {}: fsync failed, log offline: {}", tp, failed.failure().toString());
        PendingAck ack;
        while ((ack = pendingAcks.poll()) != null) {
            ack.reply().complete(AppendResult.failed(Errors.KAFKA_STORAGE_ERROR, "fsync failed", log.logStartOffset()));
        }
        return this;
    }

    private Behavior<Command> onDeleteRecords(final DeleteRecords request) {
        try {
            request.reply().complete(new DeleteRecordsResult(Errors.NONE, log.deleteRecordsBefore(request.beforeOffset())));
        } catch (ApiException e) {
            request.reply().complete(new DeleteRecordsResult(Errors.forException(e), log.logStartOffset()));
        }
        return this;
    }

    private Behavior<Command> onUpdateConfig(final UpdateConfig update) {
        log.updateConfig(update.config());
        return this;
    }

    private Behavior<Command> onRetentionTick() {
        try {
            log.deleteExpiredSegments(System.currentTimeMillis());
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
        env.replicas().remove(handle);
        PendingAck ack;
        while ((ack = pendingAcks.poll()) != null) {
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
