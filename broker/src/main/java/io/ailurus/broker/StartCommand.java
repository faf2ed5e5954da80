package io.ailurus.broker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ailurus start}: runs a node until SIGTERM/Ctrl-C, then shuts it down cleanly (every log flushed and closed).
 * With no options it is a single node with embedded defaults: Kafka on 127.0.0.1:9092, data in ./data.
 */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Start a broker node (no config needed).")
final class StartCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(StartCommand.class);
    /** Lets the old incarnation's sockets close before the new one binds them. */
    private static final long RESTART_PAUSE_MS = 1000;

    @Option(names = "--config", description = "A HOCON config file (ailurus { ... }, pekko { ... }) over the defaults.")
    Path configFile;

    @Option(names = "--data-dir", description = "Where partition logs live (default ./data).")
    Path dataDir;

    @Option(names = "--node-id", description = "This node's id (default 1).")
    Integer nodeId;

    @Option(names = {"--port", "--kafka-port"}, description = "Kafka listener port (default 9092; 0 picks a free one).")
    Integer kafkaPort;

    @Option(names = "--host", description = "Kafka listener address (default 127.0.0.1).")
    String kafkaHost;

    @Option(names = "--advertised-host", description = "Host clients are told to connect to (default: --host).")
    String advertisedHost;

    @Option(names = "--cluster-port", description = "Pekko remoting port (default 25520; 0 picks a free one).")
    Integer clusterPort;

    @Option(names = "--admin-port", description = "Admin HTTP port (default 9644; 0 picks a free one).")
    Integer adminPort;

    @Option(names = "--aeron-port", description = "Aeron UDP port for replication traffic (default 26000).")
    Integer aeronPort;

    @Option(names = "--seeds", split = ",",
            description = "Pekko remoting host:port of seed nodes, comma separated (default: none, a cluster of one).")
    java.util.List<String> seeds;

    @Option(names = "--rack", description = "This node's rack, for replica placement.")
    String rack;

    @Option(names = "--controller-voters", split = ",",
            description = "Node ids of the controller's Raft group, the same on every node (default: this node alone).")
    java.util.List<Integer> controllerVoters;

    @Option(names = "--tiered-storage", description = "Turn Shadow Indexing on (ailurus.tiered-storage.enabled).")
    Boolean tieredStorage;

    @Option(names = "--tiered-storage-endpoint", description = "S3 endpoint URL (default http://127.0.0.1:9000).")
    String tieredStorageEndpoint;

    @Option(names = "--tiered-storage-bucket", description = "S3 bucket (default ailurus).")
    String tieredStorageBucket;

    @Option(names = "--tiered-storage-region", description = "S3 region (default us-east-1).")
    String tieredStorageRegion;

    @Option(names = "--tiered-storage-upload-interval",
            description = "Roll and upload an active segment once it is this old (default 10s; HOCON duration).")
    String tieredStorageUploadInterval;

    /**
     * Runs the node until SIGTERM. A node the cluster has downed (the split-brain resolver's decision on the minority
     * side of a partition, or after a long stall) cannot rejoin with the same actor system: it is closed and started
     * again in this process, so it rejoins by itself instead of lingering without a cluster.
     */
    @Override
    public Integer call() throws Exception {
        final AtomicBoolean stopping = new AtomicBoolean();
        final AtomicReference<Node> running = new AtomicReference<>();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            final Node node = running.get();
            if (node != null) {
                node.close();
            }
            stopped.countDown();
        }, "ailurus-shutdown"));
        while (!stopping.get()) {
            final Node node;
            try {
                node = Node.start(config());
            } catch (Node.DownedWhileStarting e) {
                LOG.warn("This node was {}; starting it again to rejoin", e.getMessage());
                Thread.sleep(RESTART_PAUSE_MS);
                continue;
            }
            running.set(node);
            if (stopping.get()) {
                node.close();   // SIGTERM arrived while starting
                break;
            }
            node.terminated().toCompletableFuture().join();
            if (stopping.get()) {
                break;
            }
            LOG.warn("This node was removed from the cluster (downed); restarting it to rejoin");
            node.close();
            Thread.sleep(RESTART_PAUSE_MS);
        }
        stopped.await();
        return 0;
    }

    Config config() {
        final Map<String, Object> overrides = new HashMap<>();
        if (dataDir != null) {
            overrides.put("ailurus.data-dir", dataDir.toString());
        }
        if (nodeId != null) {
            overrides.put("ailurus.node-id", nodeId);
        }
        if (kafkaPort != null) {
            overrides.put("ailurus.kafka.port", kafkaPort);
        }
        if (kafkaHost != null) {
            overrides.put("ailurus.kafka.host", kafkaHost);
        }
        if (advertisedHost != null) {
            overrides.put("ailurus.kafka.advertised-host", advertisedHost);
        }
        if (clusterPort != null) {
            overrides.put("pekko.remote.artery.canonical.port", clusterPort);
        }
        if (adminPort != null) {
            overrides.put("ailurus.cluster.admin.port", adminPort);
        }
        if (aeronPort != null) {
            overrides.put("ailurus.cluster.aeron.port", aeronPort);
        }
        if (seeds != null) {
            overrides.put("ailurus.cluster.seeds", seeds);
        }
        if (tieredStorage != null) {
            overrides.put("ailurus.tiered-storage.enabled", tieredStorage);
        }
        if (tieredStorageEndpoint != null) {
            overrides.put("ailurus.tiered-storage.s3.endpoint", tieredStorageEndpoint);
        }
        if (tieredStorageBucket != null) {
            overrides.put("ailurus.tiered-storage.s3.bucket", tieredStorageBucket);
        }
        if (tieredStorageRegion != null) {
            overrides.put("ailurus.tiered-storage.s3.region", tieredStorageRegion);
        }
        if (tieredStorageUploadInterval != null) {
            overrides.put("ailurus.tiered-storage.upload-interval", tieredStorageUploadInterval);
        }
        if (rack != null) {
            overrides.put("ailurus.cluster.rack", rack);
        }
        if (controllerVoters != null) {
            overrides.put("ailurus.cluster.controller-voters", controllerVoters);
        }
        Config base = ConfigFactory.load();
        if (configFile != null) {
            base = ConfigFactory.parseFile(configFile.toFile()).withFallback(base).resolve();
        }
        return ConfigFactory.parseMap(overrides).withFallback(base);
    }
}
