package io.ailurus.partition.raft;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;

/**
 * A {@link RaftLog} in memory, for simulations and tests. It models durability: {@link #markDurable} records what a
 * flush made durable, and {@link #crash} drops everything after that, as a power loss drops unsynced page cache.
 * Batches are copied on append, so callers may reuse their buffers.
 */
public final class InMemoryRaftLog implements RaftLog {

    /** One stored batch; {@code bytes} is never modified after append. */
    public record StoredBatch(long baseOffset, long lastOffset, int epoch, long crc, ByteBuffer bytes) {

        public long nextOffset() {
            return lastOffset + 1;
        }
    }

    private final List<StoredBatch> batches = new ArrayList<>();
    private final EpochHistory epochs = new EpochHistory();
    private long startOffset;
    private long endOffset;
    private long durableEnd;
    private long highWatermark;
    private int truncations;

    @Override
    public long startOffset() {
        return startOffset;
    }

    @Override
    public long endOffset() {
        return endOffset;
    }

    @Override
    public int termAt(final long offset) {
        return offset >= endOffset ? -1 : epochs.epochAt(offset);
    }

    @Override
    public long startOfTermAt(final long offset) {
        return epochs.startOfEpochAt(offset);
    }

    @Override
    public EpochHistory.EpochEndOffset endOffsetFor(final int epoch) {
        return epochs.endOffsetFor(epoch, endOffset);
    }

    @Override
    public long appendAsLeader(final MemoryRecords records, final int term, final long nowMs) {
        long next = endOffset;
        for (final MutableRecordBatch batch : records.batches()) {
            final long last = next + (batch.lastOffset() - batch.baseOffset());
            batch.setLastOffset(last);
            batch.setPartitionLeaderEpoch(term);
            next = last + 1;
        }
        appendReplicated(records, nowMs);
        return next - 1;
    }

    @Override
    public void appendReplicated(final MemoryRecords records, final long nowMs) {
        long expected = endOffset;
        final List<StoredBatch> incoming = new ArrayList<>();
        for (final MutableRecordBatch batch : records.batches()) {
            batch.ensureValid();
            if (batch.baseOffset() != expected) {
                throw new IllegalArgumentException("batch at " + batch.baseOffset() + " does not continue the log at " + expected);
            }
            final ByteBuffer copy = ByteBuffer.allocate(batch.sizeInBytes());
            batch.writeTo(copy);
            copy.flip();
            incoming.add(new StoredBatch(batch.baseOffset(), batch.lastOffset(), batch.partitionLeaderEpoch(),
                    batch.checksum(), copy.asReadOnlyBuffer()));
            expected = batch.lastOffset() + 1;
        }
        for (final StoredBatch b : incoming) {
            epochs.assign(b.epoch(), b.baseOffset());
            batches.add(b);
            endOffset = b.nextOffset();
        }
    }

    @Override
    public void truncateTo(final long offset) {
        if (offset >= endOffset) {
            return;
        }
        int keep = batches.size();
        while (keep > 0 && batches.get(keep - 1).lastOffset() >= offset) {
            keep--;
        }
        batches.subList(keep, batches.size()).clear();
        endOffset = keep == 0 ? startOffset : batches.get(keep - 1).nextOffset();
        epochs.truncateFromEnd(endOffset);
        durableEnd = Math.min(durableEnd, endOffset);
        highWatermark = Math.min(highWatermark, endOffset);
        truncations++;
    }

    @Override
    public void resetTo(final long newStartOffset, final int startTerm) {
        batches.clear();
        epochs.restartAt(newStartOffset, startTerm);
        startOffset = newStartOffset;
        endOffset = newStartOffset;
        durableEnd = newStartOffset;
        highWatermark = newStartOffset;
        truncations++;
    }

    @Override
    public void advanceStartTo(final long offset) {
        deleteRecordsBefore(offset);
    }

    /**
     * DeleteRecords, as {@code SegmentLog.deleteRecordsBefore} does it: the log start moves up to {@code offset} (at
     * most the high watermark), batches wholly below it go, a batch holding it stays whole, and the epoch history
     * keeps its entries (so terms below the start can still be answered). Returns the new log start.
     */
    public long deleteRecordsBefore(final long offset) {
        if (offset > highWatermark) {
            throw new IllegalArgumentException("cannot delete records before " + offset + ": the high watermark is " + highWatermark);
        }
        if (offset <= startOffset) {
            return startOffset;
        }
        startOffset = offset;
        int drop = 0;
        while (drop < batches.size() && batches.get(drop).nextOffset() <= offset) {
            drop++;
        }
        batches.subList(0, drop).clear();
        return startOffset;
    }

    @Override
    public Slice read(final long fromOffset, final int maxBytes) {
        if (fromOffset < startOffset || fromOffset > endOffset) {
            throw new IllegalArgumentException("offset " + fromOffset + " outside [" + startOffset + ", " + endOffset + "]");
        }
        int i = indexOf(fromOffset);
        if (i < 0) {
            return new Slice(MemoryRecords.EMPTY, fromOffset, fromOffset);
        }
        final long first = batches.get(i).baseOffset();
        int size = 0;
        final int from = i;
        while (i < batches.size() && (i == from || size + batches.get(i).bytes().remaining() <= maxBytes)) {
            size += batches.get(i).bytes().remaining();
            i++;
        }
        final ByteBuffer out = ByteBuffer.allocate(size);
        for (int j = from; j < i; j++) {
            out.put(batches.get(j).bytes().duplicate());
        }
        out.flip();
        return new Slice(MemoryRecords.readableRecords(out), first, batches.get(i - 1).nextOffset());
    }

    @Override
    public void setHighWatermark(final long offset) {
        highWatermark = Math.max(startOffset, Math.min(offset, endOffset));
    }

    public long highWatermark() {
        return highWatermark;
    }

    // ------------------------------------------------------------------ durability model (simulation only)

    /** A flush covering offsets below {@code offset} completed. */
    public void markDurable(final long offset) {
        durableEnd = Math.max(durableEnd, Math.min(offset, endOffset));
    }

    public long durableEnd() {
        return durableEnd;
    }

    /** How many truncations happened; a flush that started before one must not vouch for the rewritten suffix. */
    public int truncations() {
        return truncations;
    }

    /** A power loss: the undurable suffix is gone. */
    public void crash() {
        final long keep = durableEnd;
        truncateTo(keep);
        highWatermark = startOffset;
    }

    /** The stored batches, oldest first (read-only view for checkers). */
    public List<StoredBatch> batches() {
        return java.util.Collections.unmodifiableList(batches);
    }

    public EpochHistory epochs() {
        return epochs;
    }

    /** Index of the batch holding {@code offset}, or -1 at/after the end. */
    private int indexOf(final long offset) {
        int lo = 0;
        int hi = batches.size() - 1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            final StoredBatch b = batches.get(mid);
            if (b.lastOffset() < offset) {
                lo = mid + 1;
            } else if (b.baseOffset() > offset) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }
}
