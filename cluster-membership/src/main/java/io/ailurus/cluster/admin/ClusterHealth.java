package io.ailurus.cluster.admin;

import io.ailurus.cluster.membership.NodeStatus;
import java.util.Collection;
import java.util.List;

/** {@code GET /v1/cluster/health}: is every node up and every partition led and fully replicated? */
public record ClusterHealth(boolean healthy, List<Integer> nodes, List<Integer> downNodes, int partitions,
        int leaderlessPartitions, int underReplicatedPartitions, int movingReplicas) {

    public static ClusterHealth of(final Collection<NodeStatus> nodes, final List<PartitionStatus> partitions) {
        final List<Integer> all = nodes.stream().map(NodeStatus::nodeId).sorted().toList();
        final List<Integer> down = nodes.stream().filter(n -> !n.alive()).map(NodeStatus::nodeId).sorted().toList();
        final int leaderless = (int) partitions.stream().filter(p -> !p.hasLeader()).count();
        final int underReplicated = (int) partitions.stream().filter(PartitionStatus::underReplicated).count();
        final int moving = (int) partitions.stream().filter(p -> p.moving() != null).count();
        return new ClusterHealth(down.isEmpty() && leaderless == 0 && underReplicated == 0, all, down,
                partitions.size(), leaderless, underReplicated, moving);
    }
}
