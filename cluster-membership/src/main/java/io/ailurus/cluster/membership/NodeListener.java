package io.ailurus.cluster.membership;

import java.util.Map;

/** Told, on the registry's thread, whenever a node registers, changes its endpoints, comes up or goes away. */
@FunctionalInterface
public interface NodeListener {

    void nodesChanged(Map<Integer, NodeStatus> nodes);
}
