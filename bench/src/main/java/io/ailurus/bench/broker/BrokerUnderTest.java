package io.ailurus.bench.broker;

import java.nio.file.Path;

/** A running broker in its own JVM, started with a fresh data directory. {@link #close} stops it (bounded). */
public interface BrokerUnderTest extends AutoCloseable {

    BrokerKind kind();

    /** host:port of its Kafka listener on 127.0.0.1. */
    String bootstrap();

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
