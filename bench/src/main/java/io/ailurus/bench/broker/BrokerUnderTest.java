package io.ailurus.bench.broker;

import java.io.IOException;
import java.nio.file.Path;

/** A running broker in its own JVM, started with a fresh data directory. {@link #close} stops it (bounded). */
public interface BrokerUnderTest extends AutoCloseable {

    /**
     * Starts {@code kind} as BrokerBench does: its log appended to {@code runDir}/&lt;label&gt;.log, its data in
     * {@code dataDir} (which the caller creates and deletes). Returns once it answers DescribeCluster.
     */
    static BrokerUnderTest start(final BrokerKind kind, final BrokerBenchOptions options, final Path runDir,
            final Path dataDir) throws IOException, InterruptedException {
        return switch (kind) {
            case AILURUS -> AilurusBroker.start(options, runDir, dataDir);
            case KAFKA, KAFKA_FSYNC -> KafkaBroker.start(kind, options, runDir, dataDir);
        };
    }

    BrokerKind kind();

    /** host:port of its Kafka listener on 127.0.0.1. */
    String bootstrap();

    /** Where the measured clients connect: the TLS listener in a {@code --tls} run, else {@link #bootstrap()}. */
    default String clientBootstrap() {
        return bootstrap();
    }

    /** The broker JVM's process id (for its CPU time). */
    long pid();

    Path dataDir();

    Path logFile();

    /** Fails if the broker process has exited. */
    void checkAlive();

    /** SIGTERM, bounded wait, then SIGKILL. Does not delete the data directory. */
    @Override
    void close();
}
