package io.ailurus.cluster.admin;

import java.util.List;

/**
 * One partition as the admin API shows it.
 *
 * @param leader   the leader's node id, or -1 when the partition has no leader
 * @param term     the leader's Raft term (the Kafka leader epoch)
 * @param replicas the replicas the controller placed (while a replica moves: both the leaving and the joining one)
 * @param voters   the Raft voters the leader last reported committed (empty until it has)
 * @param moving   while a replica moves: "from->to" (node ids), else null
 */
public record PartitionStatus(String topic, int partition, int leader, int term, long highWatermark,
        List<ReplicaStatus> replicas, List<Integer> voters, String moving) {

    /** One replica; {@code logEndOffset} is -1 when the replica's node cannot tell right now. */
    public record ReplicaStatus(int nodeId, boolean alive, long logEndOffset) {
    }

    public boolean hasLeader() {
        return leader >= 0;
    }

    /** Under-replicated: some replica is down, or known to be behind the high watermark. */
    public boolean underReplicated() {
        return replicas.stream().anyMatch(r -> !r.alive() || (r.logEndOffset() >= 0 && r.logEndOffset() < highWatermark));
    }
}
