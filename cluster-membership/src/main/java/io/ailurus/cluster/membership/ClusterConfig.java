package io.ailurus.cluster.membership;

import com.typesafe.config.Config;
import java.util.List;

/**
 * This node's cluster settings ({@code ailurus.cluster}): how it finds the cluster and where its non-Kafka endpoints
 * are. With no seeds the node forms a cluster of its own, which is the single-node default.
 */
public record ClusterConfig(List<String> seeds, String rack, String adminHost, int adminPort, String aeronHost,
        int aeronPort, List<Integer> controllerVoters, int offsetsReplicationFactor) {

    public static ClusterConfig from(final Config root) {
        final Config c = root.getConfig("ailurus.cluster");
        return new ClusterConfig(
                List.copyOf(c.getStringList("seeds")),
                c.getString("rack"),
                c.getString("admin.host"),
                c.getInt("admin.port"),
                c.getString("aeron.host"),
                c.getInt("aeron.port"),
                List.copyOf(c.getIntList("controller-voters")),
                c.getInt("offsets-replication-factor"));
    }

    /** A node without seeds forms a cluster of one: no peers, no replication transport. */
    public boolean standalone() {
        return seeds.isEmpty();
    }

    /** The controller group's voters: the configured ones, or this node alone. */
    public List<Integer> votersOr(final int selfId) {
        return controllerVoters.isEmpty() ? List.of(selfId) : controllerVoters;
    }

    /** Pekko addresses of the seed nodes ({@code host:port} → {@code pekko://ailurus@host:port}). */
    public List<String> seedAddresses(final String systemName) {
        return seeds.stream()
                .map(s -> s.startsWith("pekko://") ? s : "pekko://" + systemName + "@" + s)
                .toList();
    }
}
