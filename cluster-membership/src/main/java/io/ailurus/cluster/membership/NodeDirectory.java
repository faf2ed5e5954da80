package io.ailurus.cluster.membership;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The node table every part of this node reads (Metadata brokers, replication endpoints, the admin API): an immutable
 * snapshot replaced by {@link NodeRegistry}, so readers on any thread never lock.
 */
public final class NodeDirectory {

    private volatile Map<Integer, NodeStatus> nodes = Map.of();
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();

    /** Every registered node by id, in id order. */
    public Map<Integer, NodeStatus> nodes() {
        return nodes;
    }

    public Optional<NodeStatus> node(final int nodeId) {
        return Optional.ofNullable(nodes.get(nodeId));
    }

    public List<NodeInfo> aliveNodes() {
        return nodes.values().stream().filter(NodeStatus::alive).map(NodeStatus::info).toList();
    }

    public boolean isAlive(final int nodeId) {
        final NodeStatus status = nodes.get(nodeId);
        return status != null && status.alive();
    }

    public void addListener(final NodeListener listener) {
        listeners.add(listener);
        listener.nodesChanged(nodes);
    }

    void replace(final Map<Integer, NodeStatus> next) {
        final Map<Integer, NodeStatus> sorted = java.util.Collections.unmodifiableMap(new TreeMap<>(next));
        if (sorted.equals(nodes)) {
            return;
        }
        nodes = sorted;
        for (final NodeListener listener : listeners) {
            listener.nodesChanged(sorted);
        }
    }
}
