package io.ailurus.kafka.txn;

import io.ailurus.partition.log.LogSlice;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.replica.AppendResult;
import io.ailurus.partition.replica.PartitionClient;
import io.ailurus.partition.replica.ReplicaHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The transaction coordinator for the transactional ids of one {@code __transaction_state} partition: runs where that
 * partition is led, rebuilds {@link TransactionCoordinatorState} by replaying it, writes every change there (acks=all,
 * one write at a time, answers in write order) before answering, and drives the markers of decided transactions —
 * including those a previous coordinator decided but may not have finished.
 *
 * <p>The partition is compacted by the log cleaner ({@code cleanup.policy=compact}): each change is the whole record of
 * its transactional id, so the newest record per key is all a replay needs.
 */
public final class TransactionCoordinatorShard extends AbstractBehavior<TransactionCoordinatorShard.Command> {

    public sealed interface Command permits InitProducerId, AddPartitions, VerifyPartitions, EndTransaction, Describe, ListAll,
            Persisted, MarkersDone, MarkersFailed, Tick, Stop {
    }

    public record InitProducerId(String transactionalId, int timeoutMs, long expectedProducerId, short expectedEpoch,
            CompletableFuture<TransactionCoordinatorState.Decision> reply) implements Command {
    }

    public record AddPartitions(String transactionalId, long producerId, short producerEpoch,
            Collection<TopicPartition> partitions, CompletableFuture<TransactionCoordinatorState.Decision> reply)
            implements Command {
    }

    /** KIP-890's verification: answered at once from the state (the AddPartitions it checks was answered durable). */
    public record VerifyPartitions(String transactionalId, long producerId, short producerEpoch,
            Collection<TopicPartition> partitions, CompletableFuture<java.util.Map<TopicPartition, Errors>> reply)
            implements Command {
    }

    public record EndTransaction(String transactionalId, long producerId, short producerEpoch, boolean commit,
            CompletableFuture<TransactionCoordinatorState.Decision> reply) implements Command {
    }

    public record Describe(String transactionalId, CompletableFuture<Optional<TxnMetadata>> reply) implements Command {
    }

    public record ListAll(CompletableFuture<List<TxnMetadata>> reply) implements Command {
    }

    private record Persisted(Errors error, long baseOffset) implements Command {
    }

    private record MarkersDone(TransactionCoordinatorState.Markers markers) implements Command {
    }

    private record MarkersFailed(TransactionCoordinatorState.Markers markers, Throwable cause) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    /** The partition is no longer led here. */
    public enum Stop implements Command { INSTANCE }

    /** One write and what follows it, in order. */
    private record Work(List<SimpleRecord> records, TransactionCoordinatorState.Decision decision,
            CompletableFuture<TransactionCoordinatorState.Decision> reply) {
    }

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final long MAX_WAIT_FOR_MARKERS_MS = 2_000;

    /** A request that waits for the markers of its transactional id's previous transaction. */
    private record Waiting(Command request, TransactionCoordinatorState.Decision decision,
            CompletableFuture<TransactionCoordinatorState.Decision> reply, long sinceNs) {
    }

    public static Behavior<Command> create(final int partition, final ReplicaHandle log, final PartitionClient writer,
            final TxnMarkerWriter markers, final TransactionSettings settings,
            final java.util.function.LongSupplier producerIds) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            final TransactionCoordinatorShard shard = new TransactionCoordinatorShard(ctx, partition, log, writer,
                    markers, settings, producerIds);
            shard.load();
            timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofMillis(settings.abortTimedOutIntervalMs()));
            return shard;
        }));
    }

    private final int partition;
    private final ReplicaHandle log;
    private final PartitionClient writer;
    private final TxnMarkerWriter markers;
    private final TransactionSettings settings;
    private final java.util.function.LongSupplier producerIds;
    private final int coordinatorEpoch;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ArrayDeque<Work> queue = new ArrayDeque<>();
    private final java.util.Map<String, List<Waiting>> waitingForMarkers = new java.util.HashMap<>();
    private TransactionCoordinatorState state;
    private boolean writing;

    private TransactionCoordinatorShard(final ActorContext<Command> ctx, final int partition, final ReplicaHandle log,
            final PartitionClient writer, final TxnMarkerWriter markers, final TransactionSettings settings,
            final java.util.function.LongSupplier producerIds) {
        super(ctx);
        this.partition = partition;
        this.log = log;
        this.writer = writer;
        this.markers = markers;
        this.settings = settings;
        this.producerIds = producerIds;
        this.coordinatorEpoch = log.leaderEpoch();
    }

    // ------------------------------------------------------------------------------------------------ loading

    /** Replays the partition (the newest record per transactional id wins), then resumes undelivered markers. */
    private void load() {
        state = new TransactionCoordinatorState(producerIds, settings.maxTimeoutMs());
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
                if (!batch.isControlBatch()) {
                    for (final Record record : batch) {
                        if (record.offset() >= offset && record.hasKey() && record.hasValue()) {
                            final String id = TransactionRecords.readKey(record.key());
                            state.replay(TransactionRecords.readValue(id, record.value()));
                            records++;
                        }
                    }
                }
                offset = batch.nextOffset();
            }
        }
        final List<TransactionCoordinatorState.Markers> undelivered = state.undeliveredMarkers();
        undelivered.forEach(this::startMarkers);
        getContext().getLog().info("Transaction coordinator for __transaction_state-{} loaded {} transactional id(s) "
                + "from {} record(s), {} decided transaction(s) to complete", partition, state.all().size(), records,
                undelivered.size());
    }

    // ------------------------------------------------------------------------------------------------ messages

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(InitProducerId.class, m -> submitOrWait(m, m.transactionalId(), state.initProducerId(
                        m.transactionalId(), m.timeoutMs(), m.expectedProducerId(), m.expectedEpoch(),
                        System.currentTimeMillis()), m.reply()))
                .onMessage(AddPartitions.class, m -> submitOrWait(m, m.transactionalId(), state.addPartitions(
                        m.transactionalId(), m.producerId(), m.producerEpoch(), m.partitions(), System.currentTimeMillis()),
                        m.reply()))
                .onMessage(EndTransaction.class, m -> submitOrWait(m, m.transactionalId(), state.endTransaction(
                        m.transactionalId(), m.producerId(), m.producerEpoch(), m.commit(), System.currentTimeMillis()),
                        m.reply()))
                .onMessage(VerifyPartitions.class, m -> {
                    final java.util.Map<TopicPartition, Errors> answer = new java.util.HashMap<>();
                    for (final TopicPartition tp : m.partitions()) {
                        answer.put(tp, state.verify(m.transactionalId(), m.producerId(), m.producerEpoch(), tp));
                    }
                    m.reply().complete(answer);
                    return this;
                })
                .onMessage(Describe.class, m -> {
                    m.reply().complete(Optional.ofNullable(state.get(m.transactionalId())));
                    return this;
                })
                .onMessage(ListAll.class, m -> {
                    m.reply().complete(List.copyOf(state.all()));
                    return this;
                })
                .onMessage(Persisted.class, this::onPersisted)
                .onMessage(MarkersDone.class, m -> {
                    submit(state.markersWritten(m.markers(), System.currentTimeMillis()), null);
                    // The requests that waited for this transaction's markers run again, after its completion.
                    final List<Waiting> waiting = waitingForMarkers.remove(m.markers().transactionalId());
                    if (waiting != null) {
                        waiting.forEach(w -> getContext().getSelf().tell(w.request()));
                    }
                    return this;
                })
                .onMessage(MarkersFailed.class, m -> {
                    getContext().getLog().info("Markers of transaction '{}' not written by this coordinator ({}): "
                            + "the next coordinator of __transaction_state-{} completes it", m.markers().transactionalId(),
                            m.cause().getMessage(), partition);
                    return this;
                })
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
                .onSignal(PostStop.class, s -> {
                    running.set(false);
                    waitingForMarkers.values().forEach(list -> list.forEach(w -> w.reply().complete(
                            TransactionCoordinatorState.Decision.answer(Errors.NOT_COORDINATOR, null))));
                    failQueued(Errors.NOT_COORDINATOR);
                    return this;
                })
                .build();
    }

    /**
     * Submits a decision; a bare CONCURRENT_TRANSACTIONS (the previous transaction's markers are being written) waits
     * here for them instead, up to {@link #MAX_WAIT_FOR_MARKERS_MS}: the client would otherwise back off and retry,
     * and its next transaction would start later than it can.
     */
    private Behavior<Command> submitOrWait(final Command request, final String transactionalId,
            final TransactionCoordinatorState.Decision decision,
            final CompletableFuture<TransactionCoordinatorState.Decision> reply) {
        final TxnMetadata current = state.get(transactionalId);
        if (decision.error() == Errors.CONCURRENT_TRANSACTIONS && decision.write() == null && current != null
                && current.state().isPrepare()) {
            waitingForMarkers.computeIfAbsent(transactionalId, id -> new ArrayList<>())
                    .add(new Waiting(request, decision, reply, System.nanoTime()));
            return this;
        }
        return submit(decision, reply);
    }

    /** Answers what waited too long for markers with its CONCURRENT_TRANSACTIONS: the client retries. */
    private void expireWaiting() {
        final long now = System.nanoTime();
        waitingForMarkers.values().forEach(list -> list.removeIf(w -> {
            if (now - w.sinceNs() < MAX_WAIT_FOR_MARKERS_MS * 1_000_000) {
                return false;
            }
            w.reply().complete(w.decision());
            return true;
        }));
        waitingForMarkers.values().removeIf(List::isEmpty);
    }

    private Behavior<Command> onTick() {
        expireWaiting();
        for (final TransactionCoordinatorState.Decision expired : state.expireTimedOut(System.currentTimeMillis())) {
            getContext().getLog().info("Transaction of '{}' (producer {}) timed out after {} ms: aborting it",
                    expired.txn().transactionalId(), expired.txn().producerId(), expired.txn().timeoutMs());
            submit(expired, null);
        }
        return this;
    }

    // ------------------------------------------------------------------------------------------------ writes

    private Behavior<Command> submit(final TransactionCoordinatorState.Decision decision,
            final CompletableFuture<TransactionCoordinatorState.Decision> reply) {
        final List<SimpleRecord> records = decision.write() == null ? List.of() : List.of(record(decision.write()));
        queue.addLast(new Work(records, decision, reply));
        drain();
        return this;
    }

    /** Starts the next write, answering the decisions that need none on the way (they follow earlier writes). */
    private void drain() {
        while (!writing && !queue.isEmpty()) {
            final Work next = queue.peekFirst();
            if (next.records().isEmpty()) {
                queue.pollFirst();
                done(next);
                continue;
            }
            writing = true;
            final MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, next.records().toArray(SimpleRecord[]::new));
            getContext().pipeToSelf(writer.append(log, batch, (short) -1, WRITE_TIMEOUT), (result, failure) -> {
                if (failure != null) {
                    return new Persisted(Errors.COORDINATOR_NOT_AVAILABLE, -1);
                }
                return new Persisted(coordinatorError(result.error()), result.baseOffset());
            });
        }
    }

    private Behavior<Command> onPersisted(final Persisted persisted) {
        writing = false;
        final Work work = queue.pollFirst();
        if (persisted.error() != Errors.NONE) {
            // The state ran ahead of the log: answer everything waiting and rebuild from what the log holds.
            getContext().getLog().warn("Transaction coordinator for __transaction_state-{}: a write failed ({}); "
                    + "reloading from the log", partition, persisted.error());
            if (work != null && work.reply() != null) {
                work.reply().complete(TransactionCoordinatorState.Decision.answer(persisted.error(), null));
            }
            failQueued(persisted.error());
            load();
            return this;
        }
        done(work);
        drain();
        return this;
    }

    private void done(final Work work) {
        if (work.reply() != null) {
            work.reply().complete(work.decision());
        }
        if (work.decision() != null && work.decision().markers() != null) {
            startMarkers(work.decision().markers());
        }
    }

    private void failQueued(final Errors error) {
        Work w;
        while ((w = queue.pollFirst()) != null) {
            if (w.reply() != null) {
                w.reply().complete(TransactionCoordinatorState.Decision.answer(error, null));
            }
        }
    }

    /** Writes the markers; the transaction completes only once every partition has one (a reload retries the rest). */
    private void startMarkers(final TransactionCoordinatorState.Markers m) {
        getContext().pipeToSelf(markers.write(m, coordinatorEpoch, running::get),
                (ok, failure) -> failure == null ? new MarkersDone(m) : new MarkersFailed(m, failure));
    }

    private static SimpleRecord record(final TxnMetadata m) {
        return new SimpleRecord(m.updateTimestampMs(), TransactionRecords.key(m.transactionalId()),
                TransactionRecords.value(m));
    }

    /** Append errors as a transactional client should see them (retriable coordinator errors). */
    private static Errors coordinatorError(final Errors appendError) {
        return switch (appendError) {
            case NONE -> Errors.NONE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            default -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }
}
