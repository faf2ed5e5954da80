package io.ailurus.chaos.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that turns a {@link NodeSpec} into a broker command line ({@code java ... Ailurus start ...}).
 * The brokers run from the harness's own classpath (the {@code broker} module is a dependency of chaos-tests), each in
 * its own JVM so that SIGKILL and SIGSTOP hit a real process.
 */
public final class NodeLauncher {

    private final String java;
    private final String classpath;
    private final String maxHeap;
    private final Tiered tiered;   // null: tiered storage off

    /**
     * Tiered storage on every node: the bucket at {@code endpoint} (the harness's fault proxy), uploads every
     * {@code uploadInterval}, object-store calls bounded by {@code callTimeout}, local retention checked every second.
     */
    public record Tiered(String endpoint, String bucket, Duration uploadInterval, Duration callTimeout) {
    }

    public NodeLauncher(final String classpath, final String maxHeap) {
        this(classpath, maxHeap, null);
    }

    private NodeLauncher(final String classpath, final String maxHeap, final Tiered tiered) {
        this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.classpath = classpath;
        this.maxHeap = maxHeap;
        this.tiered = tiered;
    }

    /** The same launcher with tiered storage on. */
    public NodeLauncher withTieredStorage(final Tiered t) {
        return new NodeLauncher(classpath, maxHeap, t);
    }

    public static NodeLauncher fromThisJvm() {
        return new NodeLauncher(System.getProperty("java.class.path"), "384m");
    }

    public List<String> command(final NodeSpec node, final List<NodeSpec> cluster) {
        final List<String> cmd = new ArrayList<>(node.commandPrefix());
        cmd.addAll(List.of(java,
                "-Xmx" + maxHeap, "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=1",
                // One GC log per incarnation (%p = pid) beside the node log: stalls in the history are GC or not.
                "-Xlog:gc:file=" + node.logFile() + ".gc-%p:uptime,time",
                // Transforms: as the ./ailurus launcher, let HotSpot compile the guests' large methods.
                "-XX:-DontCompileHugeMethods",
                // Aeron/Agrona reach into JDK internals (DESIGN.md §8).
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
                // Remoting must advertise an address the other namespaces can reach, not 127.0.0.1.
                "-Dpekko.remote.artery.canonical.hostname=" + node.host(),
                "-Dailurus.log.durability-journal=" + node.durabilityJournal(),
                // Four __transaction_state partitions, not 16 (as the broker's TransactionsIT): the transactional
                // workload has four transactional ids, and twelve idle Raft groups more slow every restart on 2 cores.
                "-Dailurus.transactions.state-topic-partitions=4",
                // Peers send replication to this address (the namespace's own one when isolated).
                "-Dailurus.cluster.aeron.host=" + node.host(),
                // The harness reads replica dumps from the admin API, from outside the node's namespace.
                "-Dailurus.cluster.admin.host=" + node.host()));
        if (tiered != null) {
            cmd.addAll(List.of(
                    // S3Mock accepts any credentials; without them the client would look for AWS's.
                    "-Dailurus.tiered-storage.s3.access-key=chaos",
                    "-Dailurus.tiered-storage.s3.secret-key=chaos",
                    "-Dailurus.tiered-storage.s3.call-timeout=" + tiered.callTimeout().toMillis() + "ms",
                    // Local retention deletes uploaded segments within a second, not the default interval.
                    "-Dailurus.log.retention-check-interval=1s"));
        }
        cmd.addAll(List.of(
                "-cp", classpath,
                "io.ailurus.broker.Ailurus", "start",
                "--node-id", Integer.toString(node.id()),
                "--data-dir", node.dataDir().toString(),
                "--host", node.host(),
                "--port", Integer.toString(node.kafkaPort()),
                "--cluster-port", Integer.toString(node.clusterPort()),
                "--admin-port", Integer.toString(node.adminPort()),
                "--aeron-port", Integer.toString(node.aeronPort())));
        if (tiered != null) {
            cmd.addAll(List.of("--tiered-storage",
                    "--tiered-storage-endpoint", tiered.endpoint(),
                    "--tiered-storage-bucket", tiered.bucket(),
                    "--tiered-storage-upload-interval", tiered.uploadInterval().toMillis() + "ms"));
        }
        cmd.addAll(clusterFlags(node, cluster));
        return cmd;
    }

    /**
     * The flags that make the nodes one cluster: every node lists every node as a seed (in the same order, so a
     * restarted first seed rejoins the others) and as a controller voter. A single node needs none.
     */
    List<String> clusterFlags(final NodeSpec node, final List<NodeSpec> cluster) {
        if (cluster.size() < 2) {
            return List.of();
        }
        return List.of(
                "--seeds", String.join(",", cluster.stream().map(NodeSpec::clusterAddress).toList()),
                "--controller-voters", String.join(",", cluster.stream().map(n -> Integer.toString(n.id())).toList()));
    }
}
