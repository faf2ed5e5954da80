package io.ailurus.partition.raft;

import io.ailurus.partition.log.LogAppendInfo;
import io.ailurus.partition.log.LogSlice;
import io.ailurus.partition.log.SegmentLog;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link RaftLog}: a partition's {@link SegmentLog} plus its leader-epoch history, kept in the file
 * {@code leader-epoch-checkpoint} beside the segments.
 *
 * <p>The history is written before the first batch of a new epoch (so after a crash it may name an epoch whose
 * batch was lost; opening drops entries at or past the log end), after every truncation (which the segment log
 * makes durable first) and before a reset (see {@link #resetTo}). On open, a missing or unreadable checkpoint, or one whose entries do not match the batches
 * at their offsets, is rebuilt by scanning the batch headers.
 *
 * <p>Threading: the member's thread only; the owner's group-commit flusher may call {@link SegmentLog#flush} on the
 * underlying log concurrently, as {@link SegmentLog} allows.
 */
public final class SegmentRaftLog implements RaftLog {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentRaftLog.class);
    private static final int SCAN_BYTES = 1024 * 1024;

    private final SegmentLog log;
    private final LeaderEpochCheckpointFile checkpoint;
    private final EpochHistory epochs;
    private final LongSupplier wallClockMs;

    private SegmentRaftLog(final SegmentLog log, final EpochHistory epochs, final LeaderEpochCheckpointFile checkpoint,
            final LongSupplier wallClockMs) {
        this.log = log;
        this.epochs = epochs;
        this.checkpoint = checkpoint;
        this.wallClockMs = wallClockMs;
    }

    /** Wraps an opened segment log, loading (or rebuilding) its epoch history; appends are stamped with the system clock. */
    public static SegmentRaftLog open(final SegmentLog log) {
        return open(log, System::currentTimeMillis);
    }

    /**
     * As {@link #open(SegmentLog)}, with the wall clock used for LogAppendTime and segment rolling. The member's
     * {@code nowMs} is a monotonic clock for its timers and leases, not a timestamp, so the log keeps its own.
     */
    public static SegmentRaftLog open(final SegmentLog log, final LongSupplier wallClockMs) {
        final LeaderEpochCheckpointFile file = new LeaderEpochCheckpointFile(log.directory());
        final List<EpochHistory.Entry> stored = file.read();
        EpochHistory epochs = null;
        if (stored != null) {
            try {
                epochs = new EpochHistory(stored);
                if (epochs.truncateFromEnd(log.logEndOffset())) {
                    file.write(epochs.entries());
                }
                if (!matchesLog(epochs, log)) {
                    LOG.warn("Epoch history of {} does not match its batches; rebuilding it", log);
                    epochs = null;
                }
            } catch (IllegalStateException | IllegalArgumentException e) {
                LOG.warn("Epoch checkpoint of {} is inconsistent ({}); rebuilding it", log, e.getMessage());
                epochs = null;
            }
        }
        if (epochs == null) {
            epochs = rebuild(log);
            file.write(epochs.entries());
            LOG.info("Rebuilt epoch history of {} from the log: {}", log, epochs.entries());
        }
        return new SegmentRaftLog(log, epochs, file, wallClockMs);
    }

    /** Every epoch that starts inside the log starts with a batch of that epoch at that offset. */
    private static boolean matchesLog(final EpochHistory epochs, final SegmentLog log) {
        if (log.logEndOffset() > log.logStartOffset() && epochs.isEmpty()) {
            return false;
        }
        for (final EpochHistory.Entry e : epochs.entries()) {
            if (e.startOffset() < log.logStartOffset()) {
                continue;
            }
            final LogSlice slice = log.read(e.startOffset(), 1, log.logEndOffset());
            final var it = slice.records().batches().iterator();
            if (!it.hasNext()) {
                return false;
            }
            final RecordBatch first = it.next();
            if (first.baseOffset() != e.startOffset() || first.partitionLeaderEpoch() != e.epoch()) {
                return false;
            }
        }
        return true;
    }

    private static EpochHistory rebuild(final SegmentLog log) {
        final EpochHistory epochs = new EpochHistory();
        long offset = log.logStartOffset();
        final long end = log.logEndOffset();
        while (offset < end) {
            final LogSlice slice = log.read(offset, SCAN_BYTES, end);
            if (slice.isEmpty()) {
                break;
            }
            for (final RecordBatch batch : slice.records().batches()) {
                final int epoch = batch.partitionLeaderEpoch();
                if (epoch >= 0 && (epoch > epochs.latestEpoch() || epochs.isEmpty())) {
                    epochs.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
                }
                offset = Math.max(offset, batch.nextOffset());
            }
        }
        return epochs;
    }

    /** The segment log underneath, for the owner's reads (Fetch) and flushes (group commit). */
    public SegmentLog segmentLog() {
        return log;
    }

    public List<EpochHistory.Entry> epochEntries() {
        return epochs.entries();
    }

    @Override
    public long startOffset() {
        return log.logStartOffset();
    }

    @Override
    public long endOffset() {
        return log.logEndOffset();
    }

    @Override
    public int termAt(final long offset) {
        return offset >= log.logEndOffset() ? -1 : epochs.epochAt(offset);
    }

    @Override
    public long startOfTermAt(final long offset) {
        return epochs.startOfEpochAt(offset);
    }

    /** The oldest epoch of the local log's history (older ones may be in the bucket), or -1 when none. */
    public int firstEpoch() {
        return epochs.firstEpoch();
    }

    @Override
    public EpochHistory.EpochEndOffset endOffsetFor(final int epoch) {
        return epochs.endOffsetFor(epoch, log.logEndOffset());
    }

    @Override
    public long appendAsLeader(final MemoryRecords records, final int term, final long nowMs) {
        final long end = log.logEndOffset();
        if (epochs.assign(term, end)) {
            checkpoint.write(epochs.entries());
        }
        try {
            final LogAppendInfo info = log.append(records, term, wallClockMs.getAsLong());
            return info.lastOffset();
        } catch (RuntimeException e) {
            forgetEpochsFrom(end);
            throw e;
        }
    }

    @Override
    public void appendReplicated(final MemoryRecords records, final long nowMs) {
        final long end = log.logEndOffset();
        boolean changed = false;
        try {
            for (final MutableRecordBatch batch : records.batches()) {
                changed |= epochs.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
            }
        } catch (IllegalStateException e) {
            forgetEpochsFrom(end);
            throw new IllegalArgumentException("replicated batches go back in epoch: " + e.getMessage(), e);
        }
        if (changed) {
            checkpoint.write(epochs.entries());
        }
        try {
            log.appendReplicated(records, wallClockMs.getAsLong());
        } catch (RuntimeException e) {
            forgetEpochsFrom(end);
            throw e;
        }
    }

    private void forgetEpochsFrom(final long end) {
        if (epochs.truncateFromEnd(end)) {
            checkpoint.write(epochs.entries());
        }
    }

    @Override
    public void truncateTo(final long offset) {
        final long newEnd = log.truncateTo(offset);
        if (epochs.truncateFromEnd(newEnd)) {
            checkpoint.write(epochs.entries());
        }
    }

    /**
     * The epoch checkpoint is written first. If we crash before the segments are dropped, opening finds its one
     * entry inconsistent with the old batches (past their end, or naming another term than theirs at
     * {@code startOffset - 1}: a member resets only then) and rebuilds the history from them; once the segments are
     * dropped, it is what the empty log needs.
     */
    @Override
    public void resetTo(final long startOffset, final int startTerm) {
        epochs.restartAt(startOffset, startTerm);
        checkpoint.write(epochs.entries());
        log.truncateFullyAndStartAt(startOffset);
    }

    @Override
    public void advanceStartTo(final long offset) {
        log.deleteRecordsBefore(offset);
    }

    @Override
    public Slice read(final long fromOffset, final int maxBytes) {
        final long end = log.logEndOffset();
        final LogSlice slice = log.read(fromOffset, maxBytes, end);
        if (slice.isEmpty()) {
            return new Slice(MemoryRecords.EMPTY, fromOffset, fromOffset);
        }
        long next = fromOffset;
        for (final RecordBatch batch : slice.records().batches()) {
            next = batch.nextOffset();
        }
        return new Slice(slice.records(), slice.firstBatchOffset(), next);
    }

    @Override
    public void setHighWatermark(final long offset) {
        log.setHighWatermark(offset);
    }

    @Override
    public String toString() {
        return "SegmentRaftLog[" + log + ", " + epochs + "]";
    }
}
