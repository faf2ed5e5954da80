package io.ailurus.partition.raft;

import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Records;

/**
 * The log a Raft member replicates: Kafka record batches addressed by offset, each batch's Raft term being its
 * {@code partitionLeaderEpoch}. Positions are exclusive end offsets where that reads better (a log "ends at" 10 when
 * offsets 0..9 are held).
 *
 * <p>Appends are not durable when they return; the owner flushes (group commit) and tells the member through
 * {@link RaftMember#onDurable}. Truncation must be durable when it returns. Implementations are single-threaded
 * from the member's point of view.
 */
public interface RaftLog {

    /** A read for a follower: whole batches, the first holding the requested offset. */
    record Slice(Records records, long firstBatchOffset, long endOffset) {

        public boolean isEmpty() {
            return records.sizeInBytes() == 0;
        }
    }

    long startOffset();

    /** The offset the next appended record gets. */
    long endOffset();

    /** The term of the batch holding {@code offset}; 0 for offsets before the first batch (so termAt(-1) == 0). */
    int termAt(long offset);

    /** The term of the last batch, 0 for an empty log. */
    default int lastTerm() {
        return termAt(endOffset() - 1);
    }

    /** The first offset of the run of batches of the term holding {@code offset}. */
    long startOfTermAt(long offset);

    /** OffsetForLeaderEpoch, as Kafka defines it (see {@link EpochHistory#endOffsetFor}). */
    EpochHistory.EpochEndOffset endOffsetFor(int epoch);

    /**
     * Appends as leader: assigns offsets from the log end, stamps {@code term} in place (the buffer is modified).
     * Returns the last offset assigned. {@code nowMs} is the member's monotonic clock; a log that needs wall-clock
     * time (LogAppendTime, segment.ms) reads its own clock.
     */
    long appendAsLeader(MemoryRecords records, int term, long nowMs);

    /** Appends a leader's batches unchanged; they must start at the log end offset. */
    void appendReplicated(MemoryRecords records, long nowMs);

    /** Removes every offset ≥ {@code offset}, durably. */
    void truncateTo(long offset);

    /**
     * Drops the whole log and starts it empty at {@code startOffset}, durably: a member that lacks the prefix a
     * leader has deleted (see {@link RaftMessage.InstallLogStart}). Afterwards {@code termAt(startOffset - 1)}, and
     * so {@link #lastTerm} while the log is empty, answer {@code startTerm}, so that the log still states which
     * term its (deleted) end belongs to for AppendEntries checks and elections.
     */
    void resetTo(long startOffset, int startTerm);

    /** Deletes the records below {@code offset} (at most the high watermark), as DeleteRecords does; durable. */
    void advanceStartTo(long offset);

    /** At most about {@code maxBytes} of whole batches from the one holding {@code fromOffset} up to the log end. */
    Slice read(long fromOffset, int maxBytes);

    /** The commit index became {@code offset}: consumers may see everything below it. */
    void setHighWatermark(long offset);
}
