package io.ailurus.cluster.membership;

import io.ailurus.actors.serialization.KryoMessage;
import java.util.List;

/**
 * Who leads a partition in which term ({@code leaderId} -1: an election is under way), and, when the leader itself
 * reports, its committed Raft voters ({@code version} counts the leader's reports within its term). Higher ranks win.
 */
public record Leadership(int leaderId, int term, List<Integer> voters, int version) implements KryoMessage {

    public static final Leadership UNKNOWN = new Leadership(-1, 0, List.of(), 0);
    private static final int VERSION_BITS = 19;

    public Leadership {
        voters = List.copyOf(voters);
    }

    public Leadership(final int leaderId, final int term) {
        this(leaderId, term, List.of(), 0);
    }

    /** Whether this is a leader's own report and so names the partition's committed voters. */
    public boolean knowsVoters() {
        return !voters.isEmpty();
    }

    /**
     * Orders reports: a later term first; within a term, knowing the leader over not knowing it, the leader's own
     * report over a follower's, and a later report of the leader over an earlier one.
     */
    public long rank() {
        final long known = leaderId >= 0 ? 1L << (VERSION_BITS + 1) : 0;
        final long own = knowsVoters() ? 1L << VERSION_BITS : 0;
        return ((long) term << (VERSION_BITS + 2)) | known | own | Math.min(version, (1 << VERSION_BITS) - 1);
    }
}
