package io.ailurus.bench.broker;

import io.ailurus.bench.StorageInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ailurus against Apache Kafka, in the same run on the same machine, with the same kafka-clients workload: for every
 * (acks, partitions) case, closed-loop produce throughput, consume throughput of what was produced, and produce
 * latency at a fixed rate. Each broker is a child JVM started by this benchmark with a fresh data directory under
 * bench/target; they run one after the other, never together.
 *
 * <p>Run from the repository root, after building ailurus ({@value AilurusBroker#BUILD_HINT}) and the bench:
 * {@code java -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.ailurus.bench.broker.BrokerBench --quick}
 * (see bench/README.md; {@code --help} lists the flags).
 */
public final class BrokerBench {

    private BrokerBench() {
    }

    public static void main(final String[] args) throws Exception {
        final BrokerBenchOptions options;
        try {
            options = BrokerBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        final String command = "BrokerBench " + String.join(" ", args);
        printSetup(options, started, command);

        // Fail before any broker runs if one of them cannot be started at all.
        if (options.brokers().contains(BrokerKind.AILURUS)) {
            AilurusBroker.classpath(options.ailurusHome());
        }
        if (options.brokers().stream().anyMatch(BrokerKind::isKafka)) {
            KafkaDistribution.classpath(options);
        }

        final Map<BrokerKind, BrokerResults> results = new LinkedHashMap<>();
        boolean failed = false;
        for (final BrokerKind kind : options.brokers()) {
            try {
                final BrokerResults r = BrokerRun.run(kind, options);
                results.put(kind, r);
                failed |= r.cases().stream().anyMatch(c -> c.failure() != null)
                        || r.cases().size() < options.cases().size();
            } catch (IOException | RuntimeException e) {
                System.out.println("  " + kind.label() + " FAILED: " + e);
                failed = true;
            }
        }

        final ComparisonTable table = ComparisonTable.of(options.cases(), results.get(BrokerKind.AILURUS),
                results.get(BrokerKind.KAFKA), options);
        System.out.printf("%n=== ailurus vs Apache Kafka %s (ratio = ailurus / Kafka) ===%n", options.kafkaVersion());
        table.printText(System.out);
        final ComparisonTable fsyncTable = results.containsKey(BrokerKind.KAFKA_FSYNC)
                ? ComparisonTable.of(options.cases(), results.get(BrokerKind.AILURUS),
                        results.get(BrokerKind.KAFKA_FSYNC), options)
                : null;
        if (fsyncTable != null) {
            System.out.printf("%n=== ailurus vs Apache Kafka %s with an fsync after every append "
                    + "(log.flush.interval.messages=1; ratio = ailurus / that Kafka) ===%n", options.kafkaVersion());
            fsyncTable.printText(System.out);
        }
        final double loadAtEnd = MachineInfo.loadAverage();
        System.out.printf("%nload average (1 min) at the end: %.2f; finished %s%n", loadAtEnd,
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
        final Path md = writeMarkdown(options, started, command, results, table, fsyncTable, loadAtEnd);
        System.out.println("Markdown table written to " + md);
        System.exit(failed ? 1 : 0);
    }

    private static void printSetup(final BrokerBenchOptions options, final Instant started, final String command)
            throws IOException {
        System.out.println("BrokerBench: ailurus vs Apache Kafka " + options.kafkaVersion() + ", started " + started);
        System.out.println("  command   " + command);
        System.out.println("  machine   " + MachineInfo.describe());
        System.out.printf("  load avg  %.2f (1 min) at the start; other work on the machine makes figures noisy%n",
                MachineInfo.loadAverage());
        System.out.printf("  cases     %s; %d-byte records; produce up to %,.0f MiB or %.0f s per case; latency at "
                        + "%.0f MiB/s for %.0f s after %.0f s%n",
                options.cases(), options.recordBytes(), Sizes.mib(options.produceBytes()), options.produceSeconds(),
                Sizes.mib(options.latencyBytesPerSecond()), options.latencySeconds(), options.latencyWarmupSeconds());
        System.out.println("  brokers   " + options.brokers().stream().map(BrokerKind::label).toList()
                + ", one at a time, each -Xmx" + options.brokerHeap() + (options.jfr() ? ", with JFR" : ""));
        if (Runtime.getRuntime().availableProcessors() <= 2) {
            System.out.println("  note      only " + Runtime.getRuntime().availableProcessors() + " cpus: the bench's "
                    + "producer/consumer and the broker compete for them");
        }
        Files.createDirectories(options.baseDir());
        System.out.println("  base dir  " + StorageInfo.of(options.baseDir()));
        final Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        if (Files.isDirectory(tmp)) {
            System.out.println("  tmpdir    " + StorageInfo.of(tmp) + " (not used for data)");
        }
    }

    private static Path writeMarkdown(final BrokerBenchOptions options, final Instant started, final String command,
            final Map<BrokerKind, BrokerResults> results, final ComparisonTable table,
            final ComparisonTable fsyncTable, final double loadAtEnd)
            throws IOException {
        final StringBuilder md = new StringBuilder();
        md.append("Run ").append(started).append(", `").append(command).append("`\n\n");
        md.append("Machine: ").append(MachineInfo.describe()).append(String.format(
                "; load average %.2f at the end.%n", loadAtEnd));
        for (final BrokerResults r : results.values()) {
            md.append("\n").append(r.kind().label()).append(" data: `").append(r.fileSystem()).append("`");
        }
        md.append("\n\n").append(table.markdown());
        if (fsyncTable != null) {
            md.append("\nailurus against Kafka with an fsync after every append (`log.flush.interval.messages=1`), "
                    + "the \"Kafka\" column here:\n\n").append(fsyncTable.markdown());
        }
        final Path file = options.baseDir().resolve("results.md");
        Files.writeString(file, md.toString());
        return file;
    }
}
