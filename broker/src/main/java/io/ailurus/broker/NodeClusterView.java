package io.ailurus.broker;

import io.ailurus.cluster.controller.ReplicatedTopicStore;
import io.ailurus.cluster.membership.Leadership;
import io.ailurus.cluster.membership.LeadershipTable;
import io.ailurus.cluster.membership.NodeDirectory;
import io.ailurus.cluster.membership.NodeInfo;
import io.ailurus.kafka.ClusterView;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The frontend's view of the cluster, from this node's tables: live brokers from the node registry, replica sets from
 * the controller's image, leaders from the cluster-wide leadership table. A leader on a node that is not alive is
 * reported as no leader, so clients wait for the election instead of chasing a dead broker.
 */
final class NodeClusterView implements ClusterView {

    /** The controller group's leadership is published under this pseudo partition. */
    static final TopicPartition CONTROLLER = new TopicPartition("__cluster_metadata", 0);

    private final int nodeId;
    private final NodeDirectory nodes;
    private final ReplicatedTopicStore topics;
    private final LeadershipTable leaders;

    NodeClusterView(final int nodeId, final NodeDirectory nodes, final ReplicatedTopicStore topics,
            final LeadershipTable leaders) {
        this.nodeId = nodeId;
        this.nodes = nodes;
        this.topics = topics;
        this.leaders = leaders;
    }

    /**
     * Live brokers the controller knows (as Kafka lists only registered brokers): a node that has joined the cluster
     * but not yet registered cannot be given replicas, so listing it would let a client count on it too early. This
     * node is listed while it registers, so that its own clients always have a broker to talk to.
     */
    @Override
    public List<Broker> brokers() {
        return registeredAlive().stream()
                .map(n -> new Broker(n.nodeId(), n.kafkaHost(), n.kafkaPort(), n.rack())).toList();
    }

    @Override
    public List<Broker> brokers(final String listenerName) {
        return registeredAlive().stream()
                .filter(n -> n.listeners().containsKey(listenerName))
                .map(n -> broker(n, n.listeners().get(listenerName))).toList();
    }

    private List<NodeInfo> registeredAlive() {
        final var registered = topics.image().brokers();
        return nodes.aliveNodes().stream()
                .filter(n -> registered.containsKey(n.nodeId()) || n.nodeId() == nodeId).toList();
    }

    private static Broker broker(final NodeInfo info, final String address) {
        final int colon = address.lastIndexOf(':');
        return new Broker(info.nodeId(), address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)),
                info.rack());
    }

    @Override
    public java.util.Optional<String> clusterId() {
        return java.util.Optional.ofNullable(topics.image().clusterId());
    }

    @Override
    public int controllerId() {
        final int leader = leaders.leader(CONTROLLER).leaderId();
        return leader >= 0 && nodes.isAlive(leader) ? leader : nodeId;
    }

    @Override
    public PartitionState partition(final TopicPartition tp) {
        final List<Integer> replicas = topics.replicas(tp);
        final Leadership leadership = leaders.leader(tp);
        final List<Integer> alive = replicas.stream().filter(nodes::isAlive).toList();
        final int leader = leadership.leaderId() >= 0 && nodes.isAlive(leadership.leaderId()) ? leadership.leaderId() : -1;
        return new PartitionState(leader, leadership.term(), replicas, alive);
    }
}
