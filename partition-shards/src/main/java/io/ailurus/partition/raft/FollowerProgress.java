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

    /** Back to probing from the match point: requests were lost or rejected. */
    void restartFrom(final long offset) {
        inflight.clear();
        probing = true;
        nextOffset = Math.max(matchEnd, offset);
    }

    @Override
    public String toString() {
        return "Progress[" + nodeId + " next=" + nextOffset + " match=" + matchEnd + " durable=" + durableEnd
                + (probing ? " probing" : " pipelining") + " inflight=" + inflight.size() + "]";
    }
}
