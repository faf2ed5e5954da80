package io.ailurus.chaos.cluster;

import io.ailurus.broker.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * N broker processes, each with its own data dir, log and ports; in network namespaces when the machine allows
 * (root + iproute2), on loopback otherwise. Closing it kills every process and removes the namespaces.
 */
public final class ClusterUnderTest implements AutoCloseable {

    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final List<BrokerNode> nodes;
    private final Optional<NetworkNamespaces> network;

    private ClusterUnderTest(final List<BrokerNode> nodes, final Optional<NetworkNamespaces> network) {
        this.nodes = List.copyOf(nodes);
        this.network = network;
    }

    /**
     * Lays out (does not start) {@code n} nodes under {@code runDir}: {@code nodeI/data} and {@code nodeI.log}.
     *
     * @param tag a short id for namespace and interface names
     */
    public static ClusterUnderTest create(final int n, final Path runDir, final boolean useNamespaces,
            final boolean durabilityJournal, final NodeLauncher launcher, final String tag, final long runStartNs)
            throws IOException {
        return create(n, runDir, useNamespaces, durabilityJournal, harnessHost -> launcher, tag, runStartNs);
    }

    /**
     * As above, with the launcher chosen once the network exists: {@code launcherFor} gets the harness's address as
     * the nodes reach it (the bridge's address in namespace mode, 127.0.0.1 otherwise), for services the harness runs
     * for the nodes (tiered mode: the bucket's fault proxy).
     */
    public static ClusterUnderTest create(final int n, final Path runDir, final boolean useNamespaces,
            final boolean durabilityJournal, final LauncherFactory launcherFor, final String tag, final long runStartNs)
            throws IOException {
        final Optional<NetworkNamespaces> net = useNamespaces
                ? Optional.of(NetworkNamespaces.create(tag, 1 + Math.floorMod(tag.hashCode(), 250), n))
                : Optional.empty();
        try {
            final List<NodeSpec> specs = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                final Path dataDir = Files.createDirectories(runDir.resolve("node" + i).resolve("data"));
                final Path log = runDir.resolve("node" + i + ".log");
                if (net.isPresent()) {
                    specs.add(new NodeSpec(i, net.get().ip(i), 9092, 25520, 9644, 26000, dataDir, log, net.get().exec(i),
                            durabilityJournal));
                } else {
                    specs.add(new NodeSpec(i, "127.0.0.1", LoopbackPorts.free(), LoopbackPorts.free(),
                            LoopbackPorts.free(), LoopbackPorts.free(), dataDir, log, List.of(), durabilityJournal));
                }
            }
            final NodeLauncher launcher = launcherFor.forHarnessHost(
                    net.map(NetworkNamespaces::hostIp).orElse("127.0.0.1"));
            final List<BrokerNode> nodes = new ArrayList<>();
            for (final NodeSpec spec : specs) {
                nodes.add(new BrokerNode(spec, launcher.command(spec, specs), runStartNs));
            }
            return new ClusterUnderTest(nodes, net);
        } catch (IOException | RuntimeException e) {
            net.ifPresent(NetworkNamespaces::close);
            throw e;
        }
    }

    /** Picks the node launcher once the harness's address (as the nodes see it) is known. */
    @FunctionalInterface
    public interface LauncherFactory {
        NodeLauncher forHarnessHost(String harnessHost) throws IOException;
    }

    public void startAll() throws IOException, InterruptedException {
        for (final BrokerNode node : nodes) {
            node.start(START_TIMEOUT);
        }
    }

    public List<BrokerNode> nodes() {
        return nodes;
    }

    public BrokerNode node(final int id) {
        return nodes.get(id - 1);
    }

    public int size() {
        return nodes.size();
    }

    public Optional<NetworkNamespaces> network() {
        return network;
    }

    public String bootstrap() {
        return nodes.stream().map(n -> n.spec().bootstrap()).collect(Collectors.joining(","));
    }

    public List<String> unexpectedExits() {
        return nodes.stream().flatMap(n -> n.unexpectedExits().stream()).toList();
    }

    @Override
    public void close() {
        for (final BrokerNode node : nodes) {
            try {
                node.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException ignored) {
                // keep killing the others
            }
        }
        network.ifPresent(NetworkNamespaces::close);
    }
}
