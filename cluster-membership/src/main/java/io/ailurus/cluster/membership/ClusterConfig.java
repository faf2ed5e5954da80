package io.ailurus.cluster.membership;

import com.typesafe.config.Config;
import java.util.List;

/**
 * This node's cluster settings ({@code ailurus.cluster}): how it finds the cluster and where its non-Kafka endpoints
 * are. With no seeds the node forms a cluster of its own, which is the single-node default.
 */
public record ClusterConfig(List<String> seeds, String rack, String adminHost, int adminPort, String aeronHost,
        int aeronPort) {

    public static ClusterConfig from(final Config root) {
        final Config c = root.getConfig("ailurus.cluster");
        return new ClusterConfig(
                List.copyOf(c.getStringList("seeds")),
                c.getString("rack"),
                c.getString("admin.host"),
                c.getInt("admin.port"),
                c.getString("aeron.host"),
                c.getInt("aeron.port"));
    }

    /** Pekko addresses of the seed nodes ({@code host:port} → {@code pekko://ailurus@host:port}). */
    public List<String> seedAddresses(final String systemName) {
        return seeds.stream()
                .map(s -> s.startsWith("pekko://") ? s : "pekko://" + systemName + "@" + s)
                .toList();
    }
}
