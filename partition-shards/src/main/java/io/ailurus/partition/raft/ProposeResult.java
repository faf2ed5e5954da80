package io.ailurus.partition.raft;

/** What {@link RaftMember#propose} did with a client's batches. */
public sealed interface ProposeResult {

    /**
     * Appended to the leader's log at [baseOffset, lastOffset] in {@code term}. Acknowledge the client only when
     * the commit index passes lastOffset while this member still leads in {@code term} ({@link CommitWaiters}).
     */
    record Accepted(long baseOffset, long lastOffset, int term) implements ProposeResult {
    }

    /** Not appended: this member does not lead (or is handing leadership over). {@code leaderId} is -1 if unknown. */
    record NotLeader(int leaderId, int term) implements ProposeResult {
    }

    /** A voter change refused by the rules of single-server membership changes ({@code reason} says which). */
    record Rejected(String reason) implements ProposeResult {
    }
}
