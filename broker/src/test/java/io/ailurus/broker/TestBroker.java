package io.ailurus.broker;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** An in-process node on free ports with its own data directory, for integration tests. */
final class TestBroker implements AutoCloseable {

    private final Path dataDir;
    private final Map<String, Object> overrides;
    private Node node;

    private TestBroker(final Path dataDir, final Map<String, Object> overrides) {
        this.dataDir = dataDir;
        this.overrides = overrides;
    }

    static TestBroker start(final Path dataDir) throws Exception {
        return start(dataDir, Map.of());
    }

    static TestBroker start(final Path dataDir, final Map<String, Object> extra) throws Exception {
        final Map<String, Object> overrides = new HashMap<>();
        overrides.put("ailurus.data-dir", dataDir.toString());
        overrides.put("ailurus.kafka.port", 0);
        overrides.put("pekko.remote.artery.canonical.port", 0);
        overrides.put("ailurus.cluster.admin.port", 0);
        overrides.putAll(extra);
        final TestBroker broker = new TestBroker(dataDir, overrides);
        broker.startNode();
        return broker;
    }

    private void startNode() throws Exception {
        node = Node.start(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()));
        node.awaitPartitionsRunning(Duration.ofSeconds(30));
    }

    /** Stops cleanly and starts again on the same data directory (a new port). */
    void restart() throws Exception {
        node.close();
        startNode();
    }

    /** Creates a topic and waits until its partitions serve. */
    void createTopic(final String name, final int partitions) throws Exception {
        node.services().topics().create(name, partitions, (short) 1, Map.of(), false).get();
        node.awaitPartitionsRunning(Duration.ofSeconds(30));
    }

    Node node() {
        return node;
    }

    Path dataDir() {
        return dataDir;
    }

    String bootstrap() {
        return "127.0.0.1:" + node.kafkaPort();
    }

    /** The bootstrap address of the listener named {@code listenerName} ("SASL_SSL", ...). */
    String bootstrap(final String listenerName) {
        return "127.0.0.1:" + node.kafkaPort(listenerName);
    }

    Properties clientProperties() {
        final Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("request.timeout.ms", "10000");
        p.put("default.api.timeout.ms", "20000");
        p.put("max.block.ms", "20000");
        return p;
    }

    @Override
    public void close() {
        if (node != null) {
            node.close();
        }
    }
}
