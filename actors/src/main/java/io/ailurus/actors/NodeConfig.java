package io.ailurus.actors;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A node's settings, read from the {@code ailurus} block of Typesafe Config ({@code reference.conf} holds the defaults,
 * so a node needs no config file).
 */
public record NodeConfig(
        int nodeId,
        Path dataDir,
        String clusterId,
        String kafkaHost,
        int kafkaPort,
        String advertisedHost,
        int advertisedPort,
        int maxRequestBytes,
        int networkThreads,
        int maxInFlightPerConnection,
        boolean autoCreateTopics,
        int defaultPartitions,
        short defaultReplicationFactor,
        Duration retentionCheckInterval,
        int fsyncThreads) {

    public static NodeConfig from(final Config root) {
        final Config c = root.getConfig("ailurus");
        final Config k = c.getConfig("kafka");
        final String host = k.getString("host");
        final int port = k.getInt("port");
        final String advertisedHost = k.getString("advertised-host");
        final int advertisedPort = k.getInt("advertised-port");
        return new NodeConfig(
                c.getInt("node-id"),
                Path.of(c.getString("data-dir")),
                c.getString("cluster-id"),
                host,
                port,
                advertisedHost.isEmpty() ? host : advertisedHost,
                advertisedPort == 0 ? port : advertisedPort,
                (int) Math.min(Integer.MAX_VALUE, k.getBytes("max-request-bytes")),
                k.getInt("network-threads"),
                k.getInt("max-in-flight-requests-per-connection"),
                k.getBoolean("auto-create-topics"),
                k.getInt("default-partitions"),
                (short) k.getInt("default-replication-factor"),
                c.getDuration("log.retention-check-interval"),
                c.getInt("log.fsync-threads"));
    }
}
