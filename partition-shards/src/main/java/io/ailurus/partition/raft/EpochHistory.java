package io.ailurus.partition.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The leader-epoch history of a log: for each epoch (Raft term) that wrote batches, the offset of its first batch,
 * in increasing order of both. It answers "which term wrote offset x" without reading the log, and Kafka's
 * OffsetForLeaderEpoch. Like Kafka's leader-epoch cache it is truncated together with the log.
 *
 * <p>Not thread-safe: owned by one {@link RaftLog}.
 */
public final class EpochHistory {

    /** Kafka's "no epoch" / "no offset" answers of OffsetForLeaderEpoch. */
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_OFFSET = -1L;

    /** One epoch and the offset of its first batch. */
    public record Entry(int epoch, long startOffset) {
    }

    /** The answer to OffsetForLeaderEpoch: the largest epoch ≤ the requested one and where it ends (exclusive). */
    public record EpochEndOffset(int epoch, long endOffset) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public EpochHistory() {
    }

    public EpochHistory(final List<Entry> initial) {
        for (final Entry e : initial) {
            assign(e.epoch(), e.startOffset());
        }
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset}. Returns true when the history changed. A repeated
     * epoch is ignored; an older epoch is refused (terms in a log never go down). An entry whose start is at or after
     * the new one held no batch and is replaced.
     */
    public boolean assign(final int epoch, final long startOffset) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch " + epoch + " is negative");
        }
        while (!entries.isEmpty()) {
            final Entry last = entries.get(entries.size() - 1);
            if (last.epoch() == epoch) {
                return false;
            }
            if (last.epoch() > epoch) {
                throw new IllegalStateException("epoch " + epoch + " at offset " + startOffset + " follows epoch "
                        + last.epoch() + " at " + last.startOffset());
            }
            if (last.startOffset() < startOffset) {
                break;
            }
            entries.remove(entries.size() - 1);
        }
        entries.add(new Entry(epoch, startOffset));
        return true;
    }

    /** Drops the epochs that start at or after {@code endOffset} (the log was truncated there). */
    public boolean truncateFromEnd(final long endOffset) {
        boolean changed = false;
        while (!entries.isEmpty() && entries.get(entries.size() - 1).startOffset() >= endOffset) {
            entries.remove(entries.size() - 1);
            changed = true;
        }
        return changed;
    }

    /**
     * Forgets every entry: the log was emptied and now starts at {@code startOffset}, and the batch before that had
     * {@code epochBefore}. That epoch is kept as an entry at {@code startOffset - 1}, so that
     * {@code epochAt(startOffset - 1)} (the term an AppendEntries check or an election compares) still answers it;
     * the entry's offset is only a bound, the epoch may have started earlier in the deleted prefix.
     */
    public void restartAt(final long startOffset, final int epochBefore) {
        if (epochBefore < 0) {
            throw new IllegalArgumentException("epoch " + epochBefore + " is negative");
        }
        entries.clear();
        if (epochBefore > 0) {
            entries.add(new Entry(epochBefore, startOffset - 1));
        }
    }

    /** The epoch that wrote {@code offset}, or 0 when the offset precedes every epoch (e.g. offset -1). */
    public int epochAt(final long offset) {
        final int i = floorIndex(offset);
        return i < 0 ? 0 : entries.get(i).epoch();
    }

    /** Where the run of the epoch holding {@code offset} starts, or 0 when no epoch holds it. */
    public long startOfEpochAt(final long offset) {
        final int i = floorIndex(offset);
        return i < 0 ? 0 : entries.get(i).startOffset();
    }

    public int latestEpoch() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).epoch();
    }

    /**
     * OffsetForLeaderEpoch as Kafka answers it: for the latest epoch, the log end offset; for an older epoch, the
     * largest known epoch ≤ it and the start offset of the next known epoch; for an epoch below every known one,
     * the requested epoch and the start of the first; for an unknown epoch above all, UNDEFINED.
     */
    public EpochEndOffset endOffsetFor(final int requestedEpoch, final long logEndOffset) {
        if (requestedEpoch == UNDEFINED_EPOCH || entries.isEmpty()) {
            return new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);
        }
        if (requestedEpoch == latestEpoch()) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        int higher = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).epoch() > requestedEpoch) {
                higher = i;
                break;
            }
        }
        if (higher < 0) {
            return new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);
        }
        if (higher == 0) {
            return new EpochEndOffset(requestedEpoch, entries.get(0).startOffset());
        }
        return new EpochEndOffset(entries.get(higher - 1).epoch(), entries.get(higher).startOffset());
    }

    /** The oldest epoch this history knows, or UNDEFINED_EPOCH when empty. */
    public int firstEpoch() {
        return entries.isEmpty() ? UNDEFINED_EPOCH : entries.get(0).epoch();
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    private int floorIndex(final long offset) {
        int lo = 0;
        int hi = entries.size() - 1;
        int found = -1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            if (entries.get(mid).startOffset() <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return "EpochHistory" + entries;
    }
}
