package io.ailurus.broker;

import io.ailurus.cluster.admin.AdminResult;
import io.ailurus.cluster.admin.AdminView;
import io.ailurus.cluster.admin.PartitionStatus;
import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.cluster.metadata.TopicStore;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.ReplicaHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The admin API's view of a node whose partitions all live on it (one replica each, led by this node): a partition
 * has a leader while its replica runs here.
 */
final class LocalAdminView implements AdminView {

    private final int nodeId;
    private final TopicStore topics;
    private final LocalReplicas replicas;
    private final BooleanSupplier ready;

    LocalAdminView(final int nodeId, final TopicStore topics, final LocalReplicas replicas, final BooleanSupplier ready) {
        this.nodeId = nodeId;
        this.topics = topics;
        this.replicas = replicas;
        this.ready = ready;
    }

    @Override
    public List<PartitionStatus> partitions() {
        final List<PartitionStatus> all = new ArrayList<>();
        for (final TopicMetadata topic : topics.topics()) {
            for (int p = 0; p < topic.partitions(); p++) {
                final ReplicaHandle replica = replicas.get(new TopicPartition(topic.name(), p));
                if (replica == null) {
                    all.add(new PartitionStatus(topic.name(), p, -1, 0, 0,
                            List.of(new PartitionStatus.ReplicaStatus(nodeId, true, -1))));
                } else {
                    all.add(new PartitionStatus(topic.name(), p, nodeId, 0, replica.log().highWatermark(),
                            List.of(new PartitionStatus.ReplicaStatus(nodeId, true, replica.log().logEndOffset()))));
                }
            }
        }
        return all;
    }

    @Override
    public boolean ready() {
        return ready.getAsBoolean();
    }

    @Override
    public CompletionStage<AdminResult> decommission(final int node) {
        if (node != nodeId) {
            return CompletableFuture.completedFuture(AdminResult.rejected(404, "broker " + node + " is not registered"));
        }
        return CompletableFuture.completedFuture(AdminResult.rejected(409,
                "broker " + node + " is the only broker: its replicas have nowhere to go"));
    }
}
