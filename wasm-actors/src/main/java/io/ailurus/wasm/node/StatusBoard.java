package io.ailurus.wasm.node;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** What each transform partition running on this node is doing, for {@code GET /v1/transform}. */
final class StatusBoard {

    /** {@code state}: running, errored (with the reason) or starting. */
    record PartitionStatus(String state, long nextOffset, String error, int restarts) {
    }

    private record Key(String transform, int partition) {
    }

    private final Map<Key, PartitionStatus> statuses = new ConcurrentHashMap<>();

    void put(final String transform, final int partition, final ProcessorState state) {
        final String name = switch (state.phase()) {
            case RUNNING -> "running";
            case BACKING_OFF -> "errored";
            case LOADING, STORING_START, STARTING -> state.error().isEmpty() ? "starting" : "errored";
            case STOPPED -> "inactive";
        };
        statuses.put(new Key(transform, partition),
                new PartitionStatus(name, state.nextOffset(), state.error(), state.restarts()));
    }

    void remove(final String transform, final int partition) {
        statuses.remove(new Key(transform, partition));
    }

    Optional<PartitionStatus> get(final String transform, final int partition) {
        return Optional.ofNullable(statuses.get(new Key(transform, partition)));
    }
}
