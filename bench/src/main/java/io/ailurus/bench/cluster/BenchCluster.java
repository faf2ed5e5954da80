package io.ailurus.bench.cluster;

import io.ailurus.bench.broker.BrokerKind;
import io.ailurus.bench.broker.BrokerUnderTest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A three-node cluster of one system, each node a child JVM, seen by the existing producers as one broker (its
 * bootstrap lists every node). What differs between ailurus and Kafka is how the nodes are started, how the leader
 * of a partition is found and when a restarted node counts as caught up.
 */
abstract class BenchCluster implements BrokerUnderTest {

    private final BrokerKind kind;
    private final List<ClusterNode> nodes;
    private final Path dataDir;

    BenchCluster(final BrokerKind kind, final List<ClusterNode> nodes, final Path dataDir) {
        this.kind = kind;
        this.nodes = List.copyOf(nodes);
        this.dataDir = dataDir;
    }

    List<ClusterNode> nodes() {
        return nodes;
    }

    ClusterNode node(final int id) {
        return nodes.stream().filter(n -> n.id() == id).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node " + id + " in the " + kind.label() + " cluster"));
    }

    /** The node id leading {@code topic}-{@code partition} now, or -1 if there is none (bounded). */
    abstract int leaderOf(String topic, int partition) throws InterruptedException;

    /** From now on {@link #awaitHealthy} also waits for {@code topic}'s replicas (where the system needs it told). */
    void watch(final String topic) {
    }

    /**
     * Waits until every node is up and every partition has a leader and all its replicas in sync, i.e. a node
     * restarted after a kill has caught up.
     */
    abstract void awaitHealthy(Duration timeout) throws InterruptedException;

    /** Starts a killed node again on its ports and data, and waits until it serves again (not yet caught up). */
    abstract void restart(ClusterNode node, Duration timeout) throws IOException, InterruptedException;

    @Override
    public BrokerKind kind() {
        return kind;
    }

    @Override
    public String bootstrap() {
        return nodes.stream().map(ClusterNode::bootstrap).collect(Collectors.joining(","));
    }

    /** Node 1's process: the producers' CPU figures cover that node only, so the cluster bench does not print them. */
    @Override
    public long pid() {
        return nodes.get(0).pid();
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public Path logFile() {
        return nodes.get(0).logFile();
    }

    @Override
    public void checkAlive() {
        nodes.forEach(ClusterNode::checkAlive);
    }

    /** Stops every node (in parallel, each bounded). Does not delete the data. */
    @Override
    public void close() {
        nodes.parallelStream().forEach(ClusterNode::stop);
    }
}
