package io.ailurus.kafka;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/** What the frontend tells clients about the cluster: the live brokers and each partition's leader and replicas. */
public interface ClusterView {

    record Broker(int nodeId, String host, int port, String rack) {
    }

    /**
     * @param leaderId    -1 while no leader is known
     * @param leaderEpoch the leader's term
     * @param replicas    the partition's replica set, preferred leader first
     * @param inSync      the replicas on live nodes (an approximation of Kafka's ISR: Raft needs no ISR)
     */
    record PartitionState(int leaderId, int leaderEpoch, List<Integer> replicas, List<Integer> inSync) {
    }

    /** Live brokers at the addresses of the inter-broker listener, by node id. */
    List<Broker> brokers();

    /** Live brokers at the addresses of listener {@code listenerName} (brokers without it are left out, as Kafka). */
    default List<Broker> brokers(final String listenerName) {
        return brokers();
    }

    default Optional<Broker> broker(final int nodeId) {
        return brokers().stream().filter(b -> b.nodeId() == nodeId).findFirst();
    }

    default Optional<Broker> broker(final int nodeId, final String listenerName) {
        return brokers(listenerName).stream().filter(b -> b.nodeId() == nodeId).findFirst();
    }

    /** The node id clients are told is the controller (the controller group's leader, or this node if unknown). */
    int controllerId();

    PartitionState partition(TopicPartition tp);

    /** The cluster id every broker reports, once the cluster has agreed on one (empty: use the node's own). */
    default Optional<String> clusterId() {
        return Optional.empty();
    }

    /** One broker leading every partition alone (handler tests, tools). */
    static ClusterView singleNode(final int nodeId, final String host, final int port) {
        final Broker self = new Broker(nodeId, host, port, "");
        return new ClusterView() {
            @Override
            public List<Broker> brokers() {
                return List.of(self);
            }

            @Override
            public int controllerId() {
                return nodeId;
            }

            @Override
            public PartitionState partition(final TopicPartition tp) {
                return new PartitionState(nodeId, 0, List.of(nodeId), List.of(nodeId));
            }
        };
    }
}
