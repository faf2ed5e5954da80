package io.ailurus.bench.cluster;

import io.ailurus.bench.broker.BrokerKind;
import io.ailurus.bench.broker.ChildJvm;
import io.ailurus.bench.broker.FreePorts;
import io.ailurus.bench.broker.KafkaDistribution;
import io.ailurus.bench.broker.KafkaServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka as three KRaft nodes, each broker and controller at once, with a static quorum
 * ({@code controller.quorum.voters}): every node's storage is formatted with the same cluster id by
 * {@code kafka.tools.StorageTool format}, then the three {@code kafka.Kafka} JVMs start together (the quorum needs
 * a majority). Internal topics get replication factor 3, {@code min.insync.replicas=2}, no unclean leader election,
 * Kafka's default flush settings (no fsync on the produce path). Leaders and in-sync replicas come from the Admin API.
 */
final class KafkaCluster extends BenchCluster {

    static final int NODES = 3;
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(100);

    private final List<String> topics = new ArrayList<>();
    private Admin admin;

    private KafkaCluster(final List<ClusterNode> nodes, final Path dataDir) {
        super(BrokerKind.KAFKA, nodes, dataDir);
    }

    /** Created once the nodes listen, so that it does not log connection failures while they start. */
    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis(),
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200));
        }
        return admin;
    }

    static KafkaCluster start(final ClusterBenchOptions options, final Path runDir, final Path dataDir,
            final Duration timeout) throws IOException, InterruptedException {
        final String classpath = KafkaDistribution.classpath(options.brokerOptions());
        final int[] ports = new int[NODES + 1];
        final int[] controllerPorts = new int[NODES + 1];
        for (int id = 1; id <= NODES; id++) {
            ports[id] = FreePorts.next();
            controllerPorts[id] = FreePorts.next();
        }
        final String voters = IntStream.rangeClosed(1, NODES)
                .mapToObj(id -> id + "@127.0.0.1:" + controllerPorts[id]).collect(Collectors.joining(","));
        final String clusterId = Uuid.randomUuid().toString();
        final List<ClusterNode> nodes = new ArrayList<>();
        for (int id = 1; id <= NODES; id++) {
            final KafkaServerConfig config = KafkaServerConfig.writeQuorumNode(runDir.resolve("kafka-" + id + "-config"),
                    dataDir.resolve("node-" + id), id, ports[id], controllerPorts[id], voters, NODES, 2);
            final String log4j = "-Dlog4j2.configurationFile=" + config.log4jConfig().toAbsolutePath().toUri();
            final Path log = runDir.resolve("kafka-" + id + ".log");
            final ChildJvm format = ChildJvm.start("kafka-storage format " + id, List.of("-Xmx256m", log4j), classpath,
                    "kafka.tools.StorageTool", List.of("format", "-t", clusterId,
                            "-c", config.serverProperties().toAbsolutePath().toString()),
                    runDir, log);
            final int exit = format.awaitExit(FORMAT_TIMEOUT);
            if (exit != 0) {
                throw new IllegalStateException("kafka-storage format of node " + id + " exited with " + exit
                        + ", see " + log);
            }
            final List<String> jvmArgs = new ArrayList<>();
            jvmArgs.add("-Xmx" + options.nodeHeap());
            jvmArgs.add(log4j);
            jvmArgs.addAll(options.kafkaJvmOpts());
            nodes.add(new ClusterNode(id, "kafka-" + id, jvmArgs, classpath, "kafka.Kafka",
                    List.of(config.serverProperties().toAbsolutePath().toString()), runDir, log, ports[id]));
        }
        final KafkaCluster cluster = new KafkaCluster(nodes, dataDir);
        try {
            for (final ClusterNode n : nodes) {
                n.start();
            }
            for (final ClusterNode n : nodes) {
                n.awaitKafkaPort(timeout);
            }
            cluster.awaitHealthy(timeout);
        } catch (IOException | RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    @Override
    void watch(final String topic) {
        topics.add(topic);
    }

    @Override
    int leaderOf(final String topic, final int partition) throws InterruptedException {
        try {
            final TopicDescription d = admin().describeTopics(List.of(topic)).allTopicNames()
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            final Node leader = d.partitions().get(partition).leader();
            return leader == null || leader.isEmpty() ? -1 : leader.id();
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        }
    }

    /** Every node registered and every partition of the watched topics led with all 3 replicas in sync. */
    @Override
    void awaitHealthy(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            checkAlive();
            try {
                if (healthy()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new IllegalStateException("Kafka cluster not healthy within " + timeout.toSeconds() + " s (last error: "
                + last + "), see " + nodes().get(0).logFile().getParent() + "/kafka-*.log");
    }

    private boolean healthy() throws InterruptedException, ExecutionException, TimeoutException {
        if (admin().describeCluster().nodes().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size() != NODES) {
            return false;
        }
        if (topics.isEmpty()) {
            return true;
        }
        for (final TopicDescription d : admin().describeTopics(topics).allTopicNames()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values()) {
            for (final TopicPartitionInfo p : d.partitions()) {
                if (p.leader() == null || p.leader().isEmpty() || p.isr().size() != NODES) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    void restart(final ClusterNode node, final Duration timeout) throws IOException, InterruptedException {
        node.start();
        node.awaitKafkaPort(timeout);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (admin != null) {
                admin.close(CALL_TIMEOUT);
            }
        }
        super.close();
    }
}
