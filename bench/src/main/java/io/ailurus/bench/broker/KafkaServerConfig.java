package io.ailurus.bench.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The files a single-node KRaft Kafka reads: {@code server.properties} (combined broker + controller, a standalone
 * dynamic quorum, PLAINTEXT listeners on 127.0.0.1, replication factor 1 for the internal topics) and a log4j2
 * config sending its log to stdout, which the benchmark appends to kafka.log.
 *
 * <p>Everything else stays at Kafka's defaults, in particular the flush settings: {@code log.flush.interval.messages}
 * and {@code log.flush.interval.ms} unset, i.e. Kafka never fsyncs on the produce path and leaves writeback to the
 * OS (it relies on replication for durability). Thread counts stay at their defaults too (3 network, 8 I/O threads).
 */
public record KafkaServerConfig(Path serverProperties, Path log4jConfig) {

    /** {@code extraProperties} are appended, after the settings above (Kafka takes the last of a repeated key). */
    static KafkaServerConfig write(final Path configDir, final Path logDir, final int brokerPort,
            final int controllerPort, final boolean fsyncEveryAppend, final Map<String, String> extraProperties)
            throws IOException {
        Files.createDirectories(configDir);
        final Path server = configDir.resolve("server.properties");
        Files.writeString(server, """
                # Written by io.ailurus.bench.broker.KafkaServerConfig: one combined KRaft node, defaults elsewhere.
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                log.dirs=%3$s
                offsets.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                """.formatted(brokerPort, controllerPort, logDir.toAbsolutePath())
                // The append path fsyncs when this many messages are unflushed: 1 = before every acknowledgement.
                + (fsyncEveryAppend ? "log.flush.interval.messages=1\n" : "")
                + extraLines(extraProperties));
        return new KafkaServerConfig(server, writeLog4j(configDir));
    }

    /**
     * One node of a multi-node KRaft cluster: combined broker + controller, a static quorum ({@code
     * controller.quorum.voters}, e.g. {@code 1@127.0.0.1:9093,2@...}), replication factor {@code replicas} for the
     * internal topics and {@code min.insync.replicas} as given, no unclean leader election. Flush settings stay at
     * Kafka's defaults (no fsync on the produce path), as in {@link #write}.
     */
    public static KafkaServerConfig writeQuorumNode(final Path configDir, final Path logDir, final int nodeId,
            final int brokerPort, final int controllerPort, final String quorumVoters, final int replicas,
            final int minInsyncReplicas) throws IOException {
        Files.createDirectories(configDir);
        final Path server = configDir.resolve("server.properties");
        Files.writeString(server, """
                # Written by io.ailurus.bench.broker.KafkaServerConfig: one combined KRaft node of a static quorum.
                process.roles=broker,controller
                node.id=%1$d
                controller.quorum.voters=%4$s
                listeners=PLAINTEXT://127.0.0.1:%2$d,CONTROLLER://127.0.0.1:%3$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%2$d,CONTROLLER://127.0.0.1:%3$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                log.dirs=%5$s
                default.replication.factor=%6$d
                offsets.topic.replication.factor=%6$d
                transaction.state.log.replication.factor=%6$d
                transaction.state.log.min.isr=%7$d
                share.coordinator.state.topic.replication.factor=%6$d
                share.coordinator.state.topic.min.isr=%7$d
                min.insync.replicas=%7$d
                unclean.leader.election.enable=false
                group.initial.rebalance.delay.ms=0
                """.formatted(nodeId, brokerPort, controllerPort, quorumVoters, logDir.toAbsolutePath(), replicas,
                minInsyncReplicas));
        return new KafkaServerConfig(server, writeLog4j(configDir));
    }

    private static String extraLines(final Map<String, String> properties) {
        final StringBuilder lines = new StringBuilder();
        properties.forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        return lines.length() == 0 ? "" : "# --kafka-server-prop\n" + lines;
    }

    private static Path writeLog4j(final Path configDir) throws IOException {
        final Path log4j = configDir.resolve("log4j2.properties");
        Files.writeString(log4j, """
                # Written by io.ailurus.bench.broker.KafkaServerConfig: Kafka's log to stdout (kafka.log).
                status = warn
                appender.stdout.type = Console
                appender.stdout.name = STDOUT
                appender.stdout.layout.type = PatternLayout
                appender.stdout.layout.pattern = [%d] %p %m (%c)%n
                rootLogger.level = INFO
                rootLogger.appenderRef.stdout.ref = STDOUT
                logger.request.name = kafka.request.logger
                logger.request.level = WARN
                logger.statechange.name = state.change.logger
                logger.statechange.level = WARN
                """);
        return log4j;
    }
}
