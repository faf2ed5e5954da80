package io.ailurus.partition.raft;

/**
 * The role a Raft member plays in its current term.
 *
 * <p>Transitions (all driven by {@link RaftMember}):
 * <ul>
 *   <li>FOLLOWER → PRE_CANDIDATE: election timeout without hearing from a leader (voters only).</li>
 *   <li>PRE_CANDIDATE → CANDIDATE: a majority granted the pre-vote; the term is bumped only now.</li>
 *   <li>FOLLOWER → CANDIDATE: TimeoutNow from the current leader (leadership transfer skips the pre-vote).</li>
 *   <li>CANDIDATE → LEADER: a majority granted the vote in this term.</li>
 *   <li>PRE_CANDIDATE, CANDIDATE → PRE_CANDIDATE: election timeout again.</li>
 *   <li>any → FOLLOWER: a higher term is seen, a leader of the current term speaks, or (leader) check-quorum fails.</li>
 * </ul>
 */
public enum RaftRole {
    FOLLOWER,
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
