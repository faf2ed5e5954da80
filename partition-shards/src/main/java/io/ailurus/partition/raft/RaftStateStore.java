package io.ailurus.partition.raft;

/**
 * Durable storage of the two fields Raft must not forget: the current term and whom this member voted for in it.
 * {@link #save} returns only once the state is durable: the member calls it before any reply or message that
 * depends on the new state.
 */
public interface RaftStateStore {

    /** The persisted election state; {@code votedFor} is -1 when no vote was cast in {@code term}. */
    record ElectionState(int term, int votedFor) {

        public static final ElectionState INITIAL = new ElectionState(0, -1);
    }

    ElectionState load();

    void save(ElectionState state);
}
