package io.ailurus.partition.raft;

import java.util.List;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Records;

/**
 * The Raft protocol between the members of one group. The sender's node id travels beside the message (the member
 * is called with {@code handle(fromNode, message, nowMs)}); the transport also carries the group id.
 * Offsets are Kafka offsets; "end" offsets are exclusive.
 */
public sealed interface RaftMessage {

    /** The term carried by the message: for a pre-vote request, the term the sender would campaign in. */
    int term();

    /**
     * "Would you vote for me in {@code term}?", sent without bumping the sender's own term, so that a node that was
     * cut off cannot disrupt a healthy leader when it comes back.
     */
    record PreVoteRequest(int term, long lastLogEnd, int lastLogTerm) implements RaftMessage {
    }

    /** {@code term} is the voter's current term; {@code proposedTerm} echoes the request to match rounds. */
    record PreVoteResponse(int term, int proposedTerm, boolean granted) implements RaftMessage {
    }

    /** A real vote request; {@code leadershipTransfer} lets voters ignore their leader lease (TimeoutNow). */
    record VoteRequest(int term, long lastLogEnd, int lastLogTerm, boolean leadershipTransfer) implements RaftMessage {
    }

    record VoteResponse(int term, boolean granted) implements RaftMessage {
    }

    /**
     * Replicate {@code batches} (possibly none: a heartbeat) which follow offset {@code prevLogEnd}; the batch ending
     * at {@code prevLogEnd - 1} has term {@code prevTerm} in the leader's log. {@code leaderTimeMs} is the leader's
     * clock at sending, echoed in the response to establish the leader's read lease. {@code leaderLogStart} is the
     * leader's log start offset, which followers follow (DeleteRecords, as a Kafka follower learns it from fetches).
     */
    record AppendEntries(int term, long prevLogEnd, int prevTerm, long leaderCommit, long leaderTimeMs, Records batches,
            long leaderLogStart) implements RaftMessage {

        public AppendEntries {
            if (batches == null) {
                batches = MemoryRecords.EMPTY;
            }
        }

        /** Without a log start to follow. */
        public AppendEntries(final int term, final long prevLogEnd, final int prevTerm, final long leaderCommit,
                final long leaderTimeMs, final Records batches) {
            this(term, prevLogEnd, prevTerm, leaderCommit, leaderTimeMs, batches, 0);
        }
    }

    /**
     * The answer to an AppendEntries, or ({@code solicited == false}) an unprompted report that more of the matched
     * log became durable.
     *
     * @param success      the log matched at prevLogEnd and the batches were taken
     * @param matchEnd     on success: the follower's log equals the leader's below this offset
     * @param durableEnd   on success: the follower has fsynced its log up to here (never above matchEnd); only this
     *                     counts towards the commit index
     * @param hintOffset   on failure: where the leader should look next: the follower's log end if it was too short,
     *                     else the first offset of the follower's conflicting term
     * @param hintTerm     on failure: the follower's conflicting term, or -1 when its log was too short
     * @param leaderTimeMs the echoed {@link AppendEntries#leaderTimeMs}
     */
    record AppendResponse(int term, boolean success, long matchEnd, long durableEnd, long hintOffset, int hintTerm,
                          long leaderTimeMs, boolean solicited) implements RaftMessage {
    }

    /**
     * Our InstallSnapshot, for a log whose deleted prefix needs no snapshot: "my log begins at {@code startOffset};
     * every offset below it is committed and deleted; the batch before it has term {@code startTerm}; the voter set
     * in force at {@code startOffset} is {@code voters}". Sent instead of AppendEntries to a member that needs
     * offsets the leader no longer holds (retention or DeleteRecords moved its log start). A member whose log ends
     * below {@code startOffset} empties its log and starts it there. Answered with an {@link AppendResponse}
     * (success with matchEnd = durableEnd = startOffset, or a rejection as for AppendEntries).
     *
     * <p>{@code startOffset} is a batch boundary: the base offset of the leader's first batch, which may be below its
     * log start offset when DeleteRecords moved the start into a batch (the member then holds that batch whole, as a
     * Kafka follower does).
     */
    record InstallLogStart(int term, long startOffset, int startTerm, List<Integer> voters, long leaderCommit,
                           long leaderTimeMs) implements RaftMessage {

        public InstallLogStart {
            voters = List.copyOf(voters);
        }
    }

    /** Leadership transfer: "start an election now, skipping the pre-vote". */
    record TimeoutNow(int term) implements RaftMessage {
    }
}
