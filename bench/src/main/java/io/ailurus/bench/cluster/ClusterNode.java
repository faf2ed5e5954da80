package io.ailurus.bench.cluster;

import io.ailurus.bench.broker.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One node of a benchmark cluster: a child JVM with a fixed command line (node id, ports, data directory) that can be
 * killed with SIGKILL and started again on the same ports and data, as an operator would restart a crashed broker.
 * Its output is appended to one log file across restarts.
 */
final class ClusterNode {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final int id;
    private final String name;
    private final List<String> jvmArgs;
    private final String classpath;
    private final String mainClass;
    private final List<String> args;
    private final Path workDir;
    private final Path logFile;
    private final int kafkaPort;
    private ChildJvm jvm;

    ClusterNode(final int id, final String name, final List<String> jvmArgs, final String classpath,
            final String mainClass, final List<String> args, final Path workDir, final Path logFile,
            final int kafkaPort) {
        this.id = id;
        this.name = name;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.classpath = classpath;
        this.mainClass = mainClass;
        this.args = List.copyOf(args);
        this.workDir = workDir;
        this.logFile = logFile;
        this.kafkaPort = kafkaPort;
    }

    int id() {
        return id;
    }

    String name() {
        return name;
    }

    /** host:port of its Kafka listener. */
    String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    int kafkaPort() {
        return kafkaPort;
    }

    Path logFile() {
        return logFile;
    }

    /** Starts the JVM (again); it must not be running. */
    synchronized void start() throws IOException {
        if (jvm != null && jvm.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        jvm = ChildJvm.start(name, jvmArgs, classpath, mainClass, args, workDir, logFile);
    }

    synchronized boolean isAlive() {
        return jvm != null && jvm.isAlive();
    }

    synchronized void checkAlive() {
        if (jvm == null) {
            throw new IllegalStateException(name + " was never started");
        }
        jvm.checkAlive();
    }

    synchronized long pid() {
        return jvm == null ? -1 : jvm.pid();
    }

    /** Waits until its Kafka port accepts connections (bounded; fails if the JVM exits). */
    void awaitKafkaPort(final Duration timeout) throws InterruptedException {
        awaitPort(kafkaPort, timeout);
    }

    /** Waits until {@code port} on 127.0.0.1 accepts connections (bounded; fails if the JVM exits). */
    void awaitPort(final int port, final Duration timeout) throws InterruptedException {
        current().awaitPort(port, timeout);
    }

    /** {@code kill -9}: no shutdown hook runs, nothing is flushed. Returns once the process is gone (bounded). */
    void kill() throws InterruptedException {
        current().kill();
    }

    /** SIGTERM, then SIGKILL after a grace period. */
    synchronized void stop() {
        if (jvm != null) {
            jvm.stop(STOP_GRACE);
        }
    }

    private synchronized ChildJvm current() {
        if (jvm == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return jvm;
    }
}
