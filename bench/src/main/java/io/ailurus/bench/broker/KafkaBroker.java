package io.ailurus.bench.broker;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka as a single KRaft node: the storage is formatted with {@code kafka.tools.StorageTool format
 * --standalone}, then {@code kafka.Kafka server.properties} runs in its own JVM, both from the jars that
 * {@link KafkaDistribution} resolved. Its data directory is fresh and its listeners are on free loopback ports.
 */
final class KafkaBroker implements BrokerUnderTest {

    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);

    private final BrokerKind kind;
    private final ChildJvm jvm;
    private final Path dataDir;
    private final int port;
    private final int tlsPort;

    private KafkaBroker(final BrokerKind kind, final ChildJvm jvm, final Path dataDir, final int port,
            final int tlsPort) {
        this.kind = kind;
        this.jvm = jvm;
        this.dataDir = dataDir;
        this.port = port;
        this.tlsPort = tlsPort;
    }

    /** {@code kind} is {@link BrokerKind#KAFKA} or {@link BrokerKind#KAFKA_FSYNC} (an fsync after every append). */
    static KafkaBroker start(final BrokerKind kind, final BrokerBenchOptions options, final Path runDir,
            final Path dataDir) throws IOException, InterruptedException {
        final String classpath = KafkaDistribution.classpath(options);
        final int port = FreePorts.next();
        final int controllerPort = FreePorts.next();
        final int tlsPort = options.tls() ? FreePorts.next() : 0;
        final java.util.Map<String, String> serverProps = new java.util.LinkedHashMap<>(options.kafkaServerProps());
        if (options.tls()) {
            serverProps.putAll(TlsMaterial.in(options.baseDir()).kafkaServerProps(port, tlsPort, controllerPort));
        }
        final KafkaServerConfig config = KafkaServerConfig.write(runDir.resolve(kind.label() + "-config"), dataDir,
                port, controllerPort, kind == BrokerKind.KAFKA_FSYNC, serverProps);
        final String log4j = "-Dlog4j2.configurationFile=" + config.log4jConfig().toAbsolutePath().toUri();
        final Path log = runDir.resolve(kind.label() + ".log");

        final String clusterId = Uuid.randomUuid().toString();
        final ChildJvm format = ChildJvm.start("kafka-storage format", List.of("-Xmx256m", log4j), classpath,
                "kafka.tools.StorageTool", List.of("format", "--standalone", "-t", clusterId,
                        "-c", config.serverProperties().toAbsolutePath().toString()),
                runDir, log);
        final int formatExit = format.awaitExit(FORMAT_TIMEOUT);
        if (formatExit != 0) {
            throw new IllegalStateException("kafka-storage format exited with " + formatExit + ", see " + log);
        }

        final List<String> jvmArgs = new ArrayList<>(BrokerJvmOptions.of(options, kind, runDir));
        jvmArgs.add(log4j);
        final ChildJvm jvm = ChildJvm.start(kind.label(), jvmArgs, classpath, "kafka.Kafka",
                List.of(config.serverProperties().toAbsolutePath().toString()), runDir, log);
        final KafkaBroker broker = new KafkaBroker(kind, jvm, dataDir, port, tlsPort);
        try {
            jvm.awaitPort(port, START_TIMEOUT);
            ClusterProbe.awaitReady(broker.bootstrap(), jvm, START_TIMEOUT);
        } catch (RuntimeException | InterruptedException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    @Override
    public BrokerKind kind() {
        return kind;
    }

    @Override
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    @Override
    public String clientBootstrap() {
        return tlsPort == 0 ? bootstrap() : "127.0.0.1:" + tlsPort;
    }

    @Override
    public long pid() {
        return jvm.pid();
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public Path logFile() {
        return jvm.logFile();
    }

    @Override
    public void checkAlive() {
        jvm.checkAlive();
    }

    @Override
    public void close() {
        jvm.stop(STOP_GRACE);
    }
}
