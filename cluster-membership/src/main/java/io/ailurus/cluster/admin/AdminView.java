package io.ailurus.cluster.admin;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What the node tells the admin HTTP API about its partitions, and the admin actions it can take. */
public interface AdminView {

    /** Every partition of every topic, as this node knows them. */
    List<PartitionStatus> partitions();

    default Optional<PartitionStatus> partition(final String topic, final int partition) {
        return partitions().stream().filter(p -> p.topic().equals(topic) && p.partition() == partition).findFirst();
    }

    /** This node's replica of the partition, record by record (empty when no replica of it runs here). */
    default Optional<ReplicaDump> dump(final String topic, final int partition) {
        return Optional.empty();
    }

    /** Tiered storage on this node; a view without it refuses every partition. */
    default CloudStorageView cloudStorage() {
        return CloudStorageView.refusing(404, "tiered storage is off on this node");
    }

    /** True once this node serves every partition it hosts (the readiness check). */
    boolean ready();

    /** Moves every replica off {@code nodeId}; completes when the move has been accepted, with what happens. */
    CompletionStage<AdminResult> decommission(int nodeId);
}
