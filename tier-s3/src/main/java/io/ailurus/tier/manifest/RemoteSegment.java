package io.ailurus.tier.manifest;

import java.util.List;

/**
 * One segment in the bucket: whole batches with offsets {@code [baseOffset, lastOffset]}, exactly as they lay in the
 * leader's segment file, and a sparse index beside it.
 *
 * @param sizeBytes    bytes of the segment object
 * @param maxTimestamp the largest record timestamp in it (-1 when none)
 * @param term         the leader term that uploaded it
 * @param epochs       where each leader epoch starts inside it, ascending
 */
public record RemoteSegment(long baseOffset, long lastOffset, long sizeBytes, long baseTimestamp, long maxTimestamp,
        int term, List<EpochStart> epochs) {

    /** A leader epoch (Raft term) whose batches start at {@code startOffset}. */
    public record EpochStart(int epoch, long startOffset) {
    }

    public RemoteSegment {
        epochs = List.copyOf(epochs);
        if (lastOffset < baseOffset) {
            throw new IllegalArgumentException("segment ends (" + lastOffset + ") before it starts (" + baseOffset + ")");
        }
    }

    public long nextOffset() {
        return lastOffset + 1;
    }

    public boolean holds(final long offset) {
        return offset >= baseOffset && offset <= lastOffset;
    }
}
