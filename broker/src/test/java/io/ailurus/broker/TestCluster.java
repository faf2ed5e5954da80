package io.ailurus.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * N broker processes on 127.0.0.1 forming one cluster: node ids 1..N, distinct ports, every node listing every node
 * as a seed (so a restarted first seed rejoins the others instead of forming a cluster of its own). Closing kills
 * every process and removes the data directories; each node's log stays in {@code target/} for post-mortems.
 */
final class TestCluster implements AutoCloseable {

    /** Faster downing than production: a killed node is removed after 3 s of unreachability. */
    private static final String FAST_DOWNING = "-Dpekko.cluster.split-brain-resolver.stable-after=3s";

    private final Path root;
    private final List<BrokerProcess> nodes = new ArrayList<>();

    private TestCluster(final Path root) {
        this.root = root;
    }

    static TestCluster of(final int size, final String name) throws IOException {
        final Path root = Files.createTempDirectory("ailurus-cluster-");
        final TestCluster cluster = new TestCluster(root);
        final Path logs = Path.of("target", "cluster-logs", name);
        Files.createDirectories(logs);
        for (int id = 1; id <= size; id++) {
            final Path log = logs.resolve("node-" + id + ".log");
            Files.deleteIfExists(log);
            cluster.nodes.add(new BrokerProcess(root.resolve("node-" + id), log).jvmOption(FAST_DOWNING));
        }
        final List<String> seeds = cluster.nodes.stream().map(BrokerProcess::clusterAddress).toList();
        for (int i = 0; i < size; i++) {
            cluster.nodes.get(i).clusterMember(i + 1, seeds);
        }
        return cluster;
    }

    TestCluster start() throws IOException, InterruptedException {
        return start(nodes.size());
    }

    /** Starts nodes 1..{@code count} only; the others can be started later (a node joining). */
    TestCluster start(final int count) throws IOException, InterruptedException {
        for (final BrokerProcess node : nodes.subList(0, count)) {
            node.start();
        }
        return this;
    }

    /** Nodes 1..{@code count} are the controller's voters; the others follow its log. */
    TestCluster controllerVoters(final int count) {
        nodes.forEach(n -> n.controllerVoters(count));
        return this;
    }

    /** A JVM option for every node. */
    TestCluster jvmOption(final String option) {
        nodes.forEach(n -> n.jvmOption(option));
        return this;
    }

    BrokerProcess node(final int nodeId) {
        return nodes.get(nodeId - 1);
    }

    List<BrokerProcess> nodes() {
        return nodes;
    }

    String bootstrap() {
        return String.join(",", nodes.stream().map(BrokerProcess::bootstrap).toList());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (final BrokerProcess node : nodes) {
            if (node.isAlive()) {
                node.pause(false);   // a SIGSTOPped process must be resumed to die quickly and release its ports
            }
            node.close();
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
