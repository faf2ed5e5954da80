package io.ailurus.partition.raft;

/** A {@link RaftStateStore} that survives a simulated crash because the simulator keeps the object. */
public final class InMemoryRaftStateStore implements RaftStateStore {

    private ElectionState state = ElectionState.INITIAL;
    private int saves;

    @Override
    public ElectionState load() {
        return state;
    }

    @Override
    public void save(final ElectionState newState) {
        state = newState;
        saves++;
    }

    public int saves() {
        return saves;
    }
}
