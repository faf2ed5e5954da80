package io.ailurus.kafka.group;

import io.ailurus.cluster.metadata.TopicStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * A {@link GroupCoordinatorState} on a manual clock, standing in for its shard actor: timers fire when the clock
 * passes them, writes wait until the test completes or fails them, and completed writes land in an in-memory log
 * that a fresh state can replay.
 */
final class ManualCoordinator implements GroupCoordinatorOutput {

    record Write(long id, List<SimpleRecord> records, long producerId, short producerEpoch) {
    }

    private record Timer(long dueMs, long order, GroupTimer timer) {
    }

    final GroupCoordinatorState state;
    private final Map<Long, Write> pendingWrites = new LinkedHashMap<>();
    private final Map<String, Timer> timers = new HashMap<>();
    private final List<MemoryRecords> log = new ArrayList<>();
    private long nextOffset;
    private long timerOrder;
    private long nowMs = 1_000_000;

    ManualCoordinator(final GroupSettings settings, final TopicStore topics) {
        this.state = new GroupCoordinatorState(settings, topics, this);
    }

    long now() {
        return nowMs;
    }

    @Override
    public void write(final long writeId, final List<SimpleRecord> records, final long producerId,
            final short producerEpoch) {
        pendingWrites.put(writeId, new Write(writeId, List.copyOf(records), producerId, producerEpoch));
    }

    @Override
    public void schedule(final String key, final GroupTimer timer, final long delayMs) {
        timers.put(key, new Timer(nowMs + delayMs, timerOrder++, timer));
    }

    @Override
    public void cancel(final String key) {
        timers.remove(key);
    }

    boolean isScheduled(final String key) {
        return timers.containsKey(key);
    }

    List<Write> pendingWrites() {
        return List.copyOf(pendingWrites.values());
    }

    /** Makes every pending write durable, in order, appending it to the log. */
    void completeWrites() {
        for (final Write w : pendingWrites()) {
            pendingWrites.remove(w.id());
            final long base = nextOffset;
            append(w.producerId() == RecordBatch.NO_PRODUCER_ID
                    ? MemoryRecords.withRecords(base, Compression.NONE, w.records().toArray(SimpleRecord[]::new))
                    : MemoryRecords.withTransactionalRecords(base, Compression.NONE, w.producerId(), w.producerEpoch(), 0,
                            RecordBatch.NO_PARTITION_LEADER_EPOCH, w.records().toArray(SimpleRecord[]::new)));
            state.written(w.id(), Errors.NONE, base, nowMs);
        }
    }

    /** Fails every pending write with {@code error}; nothing reaches the log. */
    void failWrites(final Errors error) {
        for (final Write w : pendingWrites()) {
            pendingWrites.remove(w.id());
            state.written(w.id(), error, -1, nowMs);
        }
    }

    /** The transaction coordinator's marker for the producer lands in the log. */
    void writeMarker(final long producerId, final short producerEpoch, final boolean commit) {
        final long offset = nextOffset;
        append(MemoryRecords.withEndTransactionMarker(offset, nowMs, RecordBatch.NO_PARTITION_LEADER_EPOCH, producerId,
                producerEpoch, new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, 0)));
        state.transactionEnded(producerId, commit, offset);
    }

    private void append(final MemoryRecords records) {
        log.add(records);
        for (final RecordBatch b : records.batches()) {
            nextOffset = b.nextOffset();
        }
    }

    /** Moves the clock, firing the timers that come due on the way, in due order. */
    void advance(final long ms) {
        final long target = nowMs + ms;
        while (true) {
            final Map.Entry<String, Timer> next = timers.entrySet().stream()
                    .filter(e -> e.getValue().dueMs() <= target)
                    .min(Comparator.comparingLong((Map.Entry<String, Timer> e) -> e.getValue().dueMs())
                            .thenComparingLong(e -> e.getValue().order()))
                    .orElse(null);
            if (next == null) {
                break;
            }
            timers.remove(next.getKey());
            nowMs = Math.max(nowMs, next.getValue().dueMs());
            state.onTimer(next.getKey(), next.getValue().timer(), nowMs);
        }
        nowMs = target;
    }

    /** A new coordinator (after a failover) replaying this one's log. */
    ManualCoordinator restarted(final GroupSettings settings, final TopicStore topics) {
        final ManualCoordinator fresh = new ManualCoordinator(settings, topics);
        fresh.nowMs = nowMs;
        for (final MemoryRecords records : log) {
            fresh.append(records);
            for (final RecordBatch batch : records.batches()) {
                fresh.state.replay(batch, 0);
            }
        }
        fresh.state.loaded(nowMs);
        return fresh;
    }
}
