package io.ailurus.bench.cluster;

import io.ailurus.bench.broker.AilurusBroker;
import io.ailurus.bench.broker.BrokerKind;
import io.ailurus.bench.broker.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Three ailurus nodes as an operator runs them: {@code io.ailurus.broker.Ailurus start --node-id N ... --seeds
 * <every node's cluster port> --controller-voters 1,2,3}, each in its own JVM with its own data directory and free
 * ports, the split-brain resolver's stable-after shortened to 3 s (as the cluster tests do). A node counts as up when
 * its admin API answers {@code GET /ready} with 200; the leader of a partition and the cluster's health come from
 * the admin API too.
 *
 * <p>The nodes start one after the other, each once its cluster (Pekko remoting) port is bound: on a loaded
 * two-core machine three JVMs starting at once can miss Pekko's 3 s bind timeout, and a node that exits that way
 * during startup is started again (at most {@value #START_ATTEMPTS} times). Neither affects what is measured.
 */
final class AilurusCluster extends BenchCluster {

    static final int NODES = 3;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int START_ATTEMPTS = 3;

    private final Map<Integer, Integer> adminPorts;
    private final Map<Integer, Integer> clusterPorts;
    private final AdminHttp http = new AdminHttp();

    private AilurusCluster(final List<ClusterNode> nodes, final Path dataDir, final Map<Integer, Integer> adminPorts,
            final Map<Integer, Integer> clusterPorts) {
        super(BrokerKind.AILURUS, nodes, dataDir);
        this.adminPorts = Map.copyOf(adminPorts);
        this.clusterPorts = Map.copyOf(clusterPorts);
    }

    static AilurusCluster start(final ClusterBenchOptions options, final Path runDir, final Path dataDir,
            final Duration timeout) throws IOException, InterruptedException {
        final String classpath = AilurusBroker.classpath(options.ailurusHome());
        final int[] clusterPorts = new int[NODES + 1];
        for (int id = 1; id <= NODES; id++) {
            clusterPorts[id] = FreePorts.next();
        }
        final String seeds = IntStream.rangeClosed(1, NODES)
                .mapToObj(id -> "127.0.0.1:" + clusterPorts[id]).collect(Collectors.joining(","));
        final String voters = IntStream.rangeClosed(1, NODES)
                .mapToObj(Integer::toString).collect(Collectors.joining(","));
        final List<ClusterNode> nodes = new ArrayList<>();
        final Map<Integer, Integer> adminPorts = new LinkedHashMap<>();
        final Map<Integer, Integer> clusterPortById = new LinkedHashMap<>();
        for (int id = 1; id <= NODES; id++) {
            final Path nodeDir = dataDir.resolve("node-" + id);
            Files.createDirectories(nodeDir);
            final int port = FreePorts.next();
            final int adminPort = FreePorts.next();
            final int aeronPort = FreePorts.next();
            final List<String> jvmArgs = new ArrayList<>();
            jvmArgs.add("-Xmx" + options.nodeHeap());
            jvmArgs.addAll(AilurusBroker.requiredJvmFlags());
            jvmArgs.add("-Dpekko.cluster.split-brain-resolver.stable-after=3s");
            jvmArgs.addAll(options.ailurusJvmOpts());
            nodes.add(new ClusterNode(id, "ailurus-" + id, jvmArgs, classpath, AilurusBroker.MAIN_CLASS,
                    List.of("start", "--node-id", Integer.toString(id),
                            "--data-dir", nodeDir.toAbsolutePath().toString(),
                            "--port", Integer.toString(port),
                            "--cluster-port", Integer.toString(clusterPorts[id]),
                            "--admin-port", Integer.toString(adminPort),
                            "--aeron-port", Integer.toString(aeronPort),
                            "--seeds", seeds,
                            "--controller-voters", voters),
                    runDir, runDir.resolve("ailurus-" + id + ".log"), port));
            adminPorts.put(id, adminPort);
            clusterPortById.put(id, clusterPorts[id]);
        }
        final AilurusCluster cluster = new AilurusCluster(nodes, dataDir, adminPorts, clusterPortById);
        try {
            for (final ClusterNode n : nodes) {
                cluster.launch(n, timeout);
            }
            for (final ClusterNode n : nodes) {
                cluster.awaitReady(n, timeout);
            }
            cluster.awaitHealthy(timeout);
        } catch (IOException | RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    @Override
    int leaderOf(final String topic, final int partition) throws InterruptedException {
        for (final ClusterNode n : nodes()) {
            if (n.isAlive()) {
                final int leader = http.leader(adminPorts.get(n.id()), topic, partition);
                if (leader > 0) {
                    return leader;
                }
            }
        }
        return -1;
    }

    /** Every node's admin API says healthy (every node up, every partition led and fully replicated). */
    @Override
    void awaitHealthy(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            checkAlive();
            boolean all = true;
            for (final ClusterNode n : nodes()) {
                all &= http.healthy(adminPorts.get(n.id()), NODES);
            }
            if (all) {
                return;
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new IllegalStateException("ailurus cluster not healthy within " + timeout.toSeconds()
                + " s (GET /v1/cluster/health), see " + nodes().get(0).logFile().getParent() + "/ailurus-*.log");
    }

    @Override
    void restart(final ClusterNode node, final Duration timeout) throws IOException, InterruptedException {
        launch(node, timeout);
        awaitReady(node, timeout);
    }

    /** Starts the node and waits until its cluster port is bound, starting it again if it exits meanwhile. */
    private void launch(final ClusterNode node, final Duration timeout) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            node.start();
            try {
                node.awaitPort(clusterPorts.get(node.id()), timeout);
                return;
            } catch (IllegalStateException e) {
                if (node.isAlive() || attempt >= START_ATTEMPTS) {
                    throw e;
                }
                System.out.println("  " + e.getMessage() + "; starting it again");
            }
        }
    }

    private void awaitReady(final ClusterNode node, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            node.checkAlive();
            if (http.ready(adminPorts.get(node.id()))) {
                return;
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new IllegalStateException(node.name() + " not ready (GET /ready) within " + timeout.toSeconds()
                + " s, see " + node.logFile());
    }
}
