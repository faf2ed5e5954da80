package io.ailurus.partition.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Proposals waiting for their commit (acks=all), resolved by the rule that avoids acknowledging too early
 * (RELIABILITY.md §4.1): a waiter succeeds only when the commit index passes its last offset while the member leads
 * in the term the proposal was appended in. Any change of term or role first fails every waiter of the old term,
 * even if a later leader commits the same offsets (they may hold other batches by then).
 *
 * <p>Not thread-safe; owned by the member's owner next to the member. Waiters are kept in offset order.
 *
 * @param <W> what the owner needs to reply (a promise, an actor ref, a request id)
 */
public final class CommitWaiters<W> {

    private record Waiter<W>(long lastOffset, int term, W waiter) {
    }

    private final ArrayDeque<Waiter<W>> waiting = new ArrayDeque<>();

    /** Registers the waiter of an {@link ProposeResult.Accepted} proposal. */
    public void add(final ProposeResult.Accepted accepted, final W waiter) {
        waiting.add(new Waiter<>(accepted.lastOffset(), accepted.term(), waiter));
    }

    /**
     * The member reported a commit. Returns the waiters to acknowledge; with {@code asLeader == false} none.
     * Waiters of another term are left for {@link #failOnRoleChange} (they cannot be acknowledged any more).
     */
    public List<W> onCommit(final long commitIndex, final int term, final boolean asLeader) {
        final List<W> done = new ArrayList<>();
        if (!asLeader) {
            return done;
        }
        while (!waiting.isEmpty() && waiting.peek().lastOffset() < commitIndex && waiting.peek().term() == term) {
            done.add(waiting.poll().waiter());
        }
        return done;
    }

    /** The member's role or term changed: returns every waiter not of (LEADER, term), to fail with NOT_LEADER. */
    public List<W> failOnRoleChange(final RaftRole role, final int term) {
        final List<W> failed = new ArrayList<>();
        final ArrayDeque<Waiter<W>> keep = new ArrayDeque<>();
        for (final Waiter<W> w : waiting) {
            if (role == RaftRole.LEADER && w.term() == term) {
                keep.add(w);
            } else {
                failed.add(w.waiter());
            }
        }
        waiting.clear();
        waiting.addAll(keep);
        return failed;
    }

    public int size() {
        return waiting.size();
    }
}
