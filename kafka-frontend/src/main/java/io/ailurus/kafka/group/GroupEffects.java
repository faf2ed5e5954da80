package io.ailurus.kafka.group;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * The group coordinator state machine's view of time, writes and timers: the clock is the {@code nowMs} of the call
 * being handled, a write's continuation runs when its outcome is reported back, and the timers set are remembered so
 * that the state machine can ask whether one is running.
 */
final class GroupEffects {

    /** What to do once a write is durable, or failed with {@code error} (already mapped to a coordinator error). */
    @FunctionalInterface
    interface WriteDone {
        void done(Errors error, long baseOffset);
    }

    private final GroupCoordinatorOutput out;
    private final Map<Long, WriteDone> writes = new HashMap<>();
    private final Set<String> timers = new HashSet<>();
    private long nextWriteId;
    private long nowMs;

    GroupEffects(final GroupCoordinatorOutput out) {
        this.out = out;
    }

    long nowMs() {
        return nowMs;
    }

    void at(final long nowMs) {
        this.nowMs = nowMs;
    }

    void write(final List<SimpleRecord> records, final WriteDone then) {
        write(records, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, then);
    }

    /** Nothing to write succeeds at once; otherwise the continuation waits for {@link #written}. */
    void write(final List<SimpleRecord> records, final long producerId, final short producerEpoch, final WriteDone then) {
        if (records.isEmpty()) {
            then.done(Errors.NONE, -1);
            return;
        }
        final long id = nextWriteId++;
        writes.put(id, then);
        out.write(id, records, producerId, producerEpoch);
    }

    void written(final long writeId, final Errors error, final long baseOffset) {
        final WriteDone then = writes.remove(writeId);
        if (then != null) {
            then.done(error, baseOffset);
        }
    }

    /** Ends every write in flight with {@code error} (its outcome unknown here: the coordinator moves away). */
    void failWrites(final Errors error) {
        for (final Long id : List.copyOf(writes.keySet())) {
            written(id, error, -1);
        }
    }

    int writesInFlight() {
        return writes.size();
    }

    void schedule(final String key, final GroupTimer timer, final long delayMs) {
        timers.add(key);
        out.schedule(key, timer, delayMs);
    }

    void cancel(final String key) {
        if (timers.remove(key)) {
            out.cancel(key);
        }
    }

    boolean isScheduled(final String key) {
        return timers.contains(key);
    }

    /** The timer of {@code key} fired: it runs no more. */
    void fired(final String key) {
        timers.remove(key);
    }
}
