package io.ailurus.partition.raft;

import java.util.ArrayDeque;

/**
 * What a leader knows about one follower during its term. Replication runs in two modes: probing (one request at a
 * time, while the match point is unknown) and pipelining (up to maxInflight requests, each a window of the log).
 */
final class FollowerProgress {

    /** An AppendEntries with batches, not yet answered. */
    record Inflight(long endOffset, long sentMs) {
    }

    final int nodeId;
    /** The next offset to send from. */
    long nextOffset;
    /** The follower's log equals the leader's below this offset. */
    long matchEnd;
    /** Of the matching prefix, the follower has fsynced up to here: what counts for the commit index. */
    long durableEnd;
    boolean probing = true;
    final ArrayDeque<Inflight> inflight = new ArrayDeque<>();
    /** Leader clock of the last contact (any response of this term). */
    long lastContactMs;
    /** The leader clock at which the newest answered AppendEntries was sent: the read lease basis. */
    long leaseSentMs = Long.MIN_VALUE;

    FollowerProgress(final int nodeId, final long nextOffset, final long nowMs) {
        this.nodeId = nodeId;
        this.nextOffset = nextOffset;
        this.lastContactMs = nowMs;
    }

    /** Leader clock of the last restart; rejections of requests sent before it are stale. */
    long restartedAtMs = Long.MIN_VALUE;

    /**
     * Back to probing from {@code offset}: requests were lost or rejected. A rejection may point below the match
     * point when the follower restarted and lost a suffix it had matched but not yet made durable.
     */
    void restartFrom(final long offset, final long nowMs) {
        restartedAtMs = nowMs;
        inflight.clear();
        probing = true;
        nextOffset = offset;
        matchEnd = Math.min(matchEnd, offset);
    }

    @Override
    public String toString() {
        return "Progress[" + nodeId + " next=" + nextOffset + " match=" + matchEnd + " durable=" + durableEnd
                + (probing ? " probing" : " pipelining") + " inflight=" + inflight.size() + "]";
    }
}
