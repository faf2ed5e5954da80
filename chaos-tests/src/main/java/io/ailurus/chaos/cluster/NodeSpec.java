package io.ailurus.chaos.cluster;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything that makes one broker process different from the others.
 *
 * @param id                node id (1-based)
 * @param host              where it listens and what it advertises (its namespace's address, or 127.0.0.1)
 * @param kafkaPort         Kafka listener
 * @param clusterPort       Pekko remoting
 * @param adminPort         admin HTTP (Pekko Management)
 * @param aeronPort         Raft replication (Aeron UDP)
 * @param dataDir           its own data directory
 * @param logFile           stdout+stderr of every incarnation, appended
 * @param commandPrefix     runs the JVM inside the node's network namespace ({@code ip netns exec ...}), or empty
 * @param durabilityJournal turn on the segment log's durability journal (needed by the power-loss fault)
 */
public record NodeSpec(int id, String host, int kafkaPort, int clusterPort, int adminPort, int aeronPort, Path dataDir,
        Path logFile,
        List<String> commandPrefix, boolean durabilityJournal) {

    public NodeSpec {
        commandPrefix = List.copyOf(commandPrefix);
    }

    /** Pekko remoting host:port, what {@code --seeds} lists. */
    public String clusterAddress() {
        return host + ":" + clusterPort;
    }

    public String bootstrap() {
        return host + ":" + kafkaPort;
    }
}
