package io.ailurus.partition.raft;

/**
 * Events a member reports to its owner, on the owner's thread, from inside the member's calls.
 * The member never blocks on them; an implementation should only record or enqueue.
 */
public interface RaftListener {

    /**
     * Role, term or known leader changed (leaderId is -1 when unknown). Publish it in the leadership table; on any
     * change away from (LEADER, term T) fail every commit waiter of term T with NOT_LEADER (see {@link CommitWaiters}).
     */
    default void onRoleChange(RaftRole role, int term, int leaderId) {
    }

    /**
     * The commit index (high watermark, exclusive) advanced. {@code leaderTerm} is the member's term and
     * {@code asLeader} tells whether it advanced it as leader, in that term; only then may waiters of that term be
     * acknowledged.
     */
    default void onCommit(long commitIndex, int leaderTerm, boolean asLeader) {
    }

    /** New batches were appended to the log (as leader or follower): schedule a group-commit flush. */
    default void onAppended(long logEndOffset) {
    }

    /**
     * The log lost its suffix from {@code newEndOffset} (divergence from a new leader), or was emptied and now
     * starts there (the leader had deleted what this member lacked): rebuild derived state.
     */
    default void onTruncated(long newEndOffset) {
    }

    /**
     * The voter set changed: a KRAFT_VOTERS control batch was appended (it takes effect then, before it commits), or
     * a truncation removed one and the previous set is back.
     */
    default void onVotersChanged(java.util.List<Integer> voters) {
    }
}
