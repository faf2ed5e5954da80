package io.ailurus.partition.raft;

import io.ailurus.partition.log.LogSlice;
import io.ailurus.partition.log.SegmentLog;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;

/**
 * The {@link RaftLog} of a partition: its {@link SegmentLog}, plus the epoch history (term → first offset) rebuilt
 * from the batch headers when the log opens and kept in step with appends and truncations.
 */
public final class SegmentRaftLog implements RaftLog {

    private final SegmentLog log;
    private final EpochHistory epochs = new EpochHistory();

    private SegmentRaftLog(final SegmentLog log) {
        this.log = log;
    }

    public static SegmentRaftLog open(final SegmentLog log) {
        final SegmentRaftLog raftLog = new SegmentRaftLog(log);
        long offset = log.logStartOffset();
        final long end = log.logEndOffset();
        while (offset < end) {
            final LogSlice slice = log.read(offset, 1 << 20, end);
            if (slice.isEmpty()) {
                break;
            }
            for (final RecordBatch batch : slice.records().batches()) {
                raftLog.epochs.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
                offset = batch.nextOffset();
            }
        }
        return raftLog;
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
        return offset < 0 || offset >= log.logEndOffset() ? (offset < 0 ? 0 : -1) : Math.max(0, epochs.epochAt(offset));
    }

    @Override
    public long startOfTermAt(final long offset) {
        return epochs.startOfEpochAt(offset);
    }

    @Override
    public EpochHistory.EpochEndOffset endOffsetFor(final int epoch) {
        return epochs.endOffsetFor(epoch, log.logEndOffset());
    }

    @Override
    public long appendAsLeader(final MemoryRecords records, final int term, final long nowMs) {
        final long base = log.logEndOffset();
        final long last = log.append(records, term, nowMs).lastOffset();
        epochs.assign(term, base);
        return last;
    }

    @Override
    public void appendReplicated(final MemoryRecords records, final long nowMs) {
        log.appendReplicated(records, nowMs);
        for (final MutableRecordBatch batch : records.batches()) {
            epochs.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
        }
    }

    @Override
    public void truncateTo(final long offset) {
        log.truncateTo(offset);
        epochs.truncateFromEnd(log.logEndOffset());
    }

    @Override
    public Slice read(final long fromOffset, final int maxBytes) {
        final long end = log.logEndOffset();
        final LogSlice slice = log.read(fromOffset, maxBytes, end);
        long next = fromOffset;
        for (final RecordBatch batch : slice.records().batches()) {
            next = batch.nextOffset();
        }
        return new Slice(slice.records(), slice.isEmpty() ? fromOffset : slice.firstBatchOffset(), next);
    }

    @Override
    public void setHighWatermark(final long offset) {
        log.setHighWatermark(Math.min(offset, log.logEndOffset()));
    }
}
