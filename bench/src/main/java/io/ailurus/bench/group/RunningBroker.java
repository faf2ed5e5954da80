package io.ailurus.bench.group;

import java.nio.file.Path;

/**
 * A broker child JVM started through {@link BrokerHarness}. {@link #close} stops it (SIGTERM, SIGKILL after 60 s); the
 * exit hook of the broker bench stops it too if the bench ends first.
 *
 * @param label         "ailurus" or "kafka"
 * @param bootstrap     host:port of its Kafka listener on 127.0.0.1
 * @param pid           its process id
 * @param logFile       where its stdout and stderr go
 * @param checkAlive    fails if the process has exited
 * @param stop          stops it, bounded
 * @param initialDelay  how group.initial.rebalance.delay.ms is set on it, as printed with the results
 */
record RunningBroker(String label, String bootstrap, long pid, Path logFile, Runnable checkAlive, Runnable stop,
        String initialDelay) implements AutoCloseable {

    boolean alive() {
        try {
            checkAlive.run();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Override
    public void close() {
        stop.run();
    }
}
