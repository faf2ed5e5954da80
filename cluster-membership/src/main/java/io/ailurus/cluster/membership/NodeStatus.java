package io.ailurus.cluster.membership;

/** A registered node and whether it is, right now, an Up and reachable member of the Pekko Cluster. */
public record NodeStatus(NodeInfo info, boolean alive) {

    public int nodeId() {
        return info.nodeId();
    }
}
