package io.ailurus.tier.manifest;

import io.ailurus.partition.producer.PartitionTransactions;
import java.util.List;

/**
 * One segment in the bucket: whole batches with offsets {@code [baseOffset, lastOffset]}, exactly as they lay in the
 * leader's segment file, and a sparse index beside it.
 *
 * @param sizeBytes    bytes of the segment object
 * @param maxTimestamp the largest record timestamp in it (-1 when none)
 * @param term         the leader term that uploaded it
 * @param epochs       where each leader epoch starts inside it, ascending
 * @param abortedTransactions the aborted transactions with records in it (KIP-405's transaction index), by their
 *                     ABORT marker's offset; also those that began in an earlier segment or end in a later one, so
 *                     that a read of this segment alone tells read_committed consumers what to drop. Absent from
 *                     manifests of version 1: none known.
 */
public record RemoteSegment(long baseOffset, long lastOffset, long sizeBytes, long baseTimestamp, long maxTimestamp,
        int term, List<EpochStart> epochs, List<PartitionTransactions.Aborted> abortedTransactions) {

    /** A leader epoch (Raft term) whose batches start at {@code startOffset}. */
    public record EpochStart(int epoch, long startOffset) {
    }

    public RemoteSegment {
        epochs = List.copyOf(epochs);
        abortedTransactions = abortedTransactions == null ? List.of() : List.copyOf(abortedTransactions);
        if (lastOffset < baseOffset) {
            throw new IllegalArgumentException("segment ends (" + lastOffset + ") before it starts (" + baseOffset + ")");
        }
    }

    /** A segment without aborted transactions. */
    public RemoteSegment(final long baseOffset, final long lastOffset, final long sizeBytes, final long baseTimestamp,
            final long maxTimestamp, final int term, final List<EpochStart> epochs) {
        this(baseOffset, lastOffset, sizeBytes, baseTimestamp, maxTimestamp, term, epochs, List.of());
    }

    /**
     * The aborted transactions a read of this segment from {@code fetchOffset} meets before {@code upTo}: those
     * ending at or after the fetch offset that started before {@code upTo}.
     */
    public List<PartitionTransactions.Aborted> abortedIn(final long fetchOffset, final long upTo) {
        List<PartitionTransactions.Aborted> found = List.of();
        for (final PartitionTransactions.Aborted a : abortedTransactions) {
            if (a.lastOffset() >= fetchOffset && a.firstOffset() < upTo) {
                if (found.isEmpty()) {
                    found = new java.util.ArrayList<>();
                }
                found.add(a);
            }
        }
        return found;
    }

    public long nextOffset() {
        return lastOffset + 1;
    }

    public boolean holds(final long offset) {
        return offset >= baseOffset && offset <= lastOffset;
    }
}
