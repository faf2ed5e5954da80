package io.ailurus.bench.cluster;

import io.ailurus.bench.StorageInfo;
import io.ailurus.bench.broker.AilurusBroker;
import io.ailurus.bench.broker.BrokerKind;
import io.ailurus.bench.broker.ComparisonTable;
import io.ailurus.bench.broker.KafkaDistribution;
import io.ailurus.bench.broker.MachineInfo;
import io.ailurus.bench.broker.Sizes;
import io.ailurus.bench.broker.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A three-node ailurus cluster against a three-node Apache Kafka cluster (KRaft, combined broker + controller), in
 * the same run on the same machine, one after the other, with the same kafka-clients workload on a topic of 3
 * partitions and replication factor 3: acks=all produce throughput and fixed-rate latency, then failover, the time
 * from a SIGKILL of partition 0's leader to the first acknowledged acks=all produce, over several rounds.
 *
 * <p>Run from the repository root, after building ailurus ({@value AilurusBroker#BUILD_HINT}) and the bench:
 * {@code java -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.ailurus.bench.cluster.ClusterBench}
 * (see bench/README.md; {@code --help} lists the flags).
 */
public final class ClusterBench {

    private static final double FAILOVER_TARGET_SECONDS = 2.0;

    private ClusterBench() {
    }

    public static void main(final String[] args) throws Exception {
        final ClusterBenchOptions options;
        try {
            options = ClusterBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        final String command = "java -cp \"$(cat bench/target/classpath.txt):bench/target/classes\" "
                + ClusterBench.class.getName() + (args.length == 0 ? "" : " " + String.join(" ", args));
        printSetup(options, started, command);

        // Fail before any cluster runs if one of them cannot be started at all.
        if (options.systems().contains(BrokerKind.AILURUS)) {
            AilurusBroker.classpath(options.ailurusHome());
        }
        if (options.systems().contains(BrokerKind.KAFKA)) {
            KafkaDistribution.classpath(options.brokerOptions());
        }

        final Map<BrokerKind, ClusterResult> results = new LinkedHashMap<>();
        boolean failed = false;
        for (final BrokerKind kind : options.systems()) {
            final ClusterResult r = ClusterRun.run(kind, options);
            results.put(kind, r);
            failed |= r.failure() != null || (r.failover() != null && r.failover().failedRounds() > 0);
        }

        final ComparisonTable table = table(options, results.get(BrokerKind.AILURUS), results.get(BrokerKind.KAFKA));
        System.out.printf("%n=== 3-node ailurus vs 3-node Apache Kafka %s, RF=3, acks=all (ratio = ailurus / Kafka) "
                + "===%n", options.kafkaVersion());
        table.printText(System.out);
        System.out.println(durabilityNote());
        final double loadAtEnd = MachineInfo.loadAverage();
        System.out.printf("%nload average (1 min) at the end: %.2f; finished %s%n", loadAtEnd,
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
        System.out.println("reproduce: " + command);
        final Path md = writeMarkdown(options, started, command, results, table, loadAtEnd);
        System.out.println("Markdown table written to " + md);
        System.exit(failed ? 1 : 0);
    }

    static ComparisonTable table(final ClusterBenchOptions options, final ClusterResult ailurus,
            final ClusterResult kafka) {
        final String label = "3 nodes, RF=3";
        final String rate = String.format("%.0f MiB/s", Sizes.mib(options.latencyBytesPerSecond()));
        final ComparisonTable table = ComparisonTable.empty();
        row(table, label, "produce MiB/s, acks=all", ailurus, kafka,
                r -> r.produce() == null ? Double.NaN : r.produce().mibPerSecond(), "%.1f", Target.AT_LEAST_ONE);
        row(table, "", "produce p50 ms @ " + rate, ailurus, kafka,
                r -> r.latency() == null ? Double.NaN : r.latency().percentileMillis(50), "%.2f", Target.NONE);
        row(table, "", "produce p99 ms @ " + rate, ailurus, kafka,
                r -> r.latency() == null ? Double.NaN : r.latency().percentileMillis(99), "%.2f", Target.AT_MOST_ONE);
        row(table, "", "produce p99.9 ms @ " + rate, ailurus, kafka,
                r -> r.latency() == null ? Double.NaN : r.latency().percentileMillis(99.9), "%.2f", Target.NONE);
        final double aMedian = value(ailurus, r -> r.failover() == null ? Double.NaN : r.failover().medianSeconds());
        final double kMedian = value(kafka, r -> r.failover() == null ? Double.NaN : r.failover().medianSeconds());
        table.addRow("", "failover median s (" + options.failoverRounds() + " rounds)", aMedian, kMedian, "%.2f",
                Double.isNaN(aMedian) ? "ailurus <= 2 s"
                        : "ailurus <= 2 s " + (aMedian <= FAILOVER_TARGET_SECONDS ? "ok" : "MISS"));
        table.addRow("", "failover max s", value(ailurus, r -> r.failover() == null ? Double.NaN
                : r.failover().maxSeconds()), value(kafka, r -> r.failover() == null ? Double.NaN
                : r.failover().maxSeconds()), "%.2f", "");
        return table;
    }

    private static void row(final ComparisonTable table, final String label, final String figure,
            final ClusterResult ailurus, final ClusterResult kafka, final Function<ClusterResult, Double> f,
            final String format, final Target target) {
        final double a = value(ailurus, f);
        final double k = value(kafka, f);
        table.addRow(label, figure, a, mark(ailurus, figure), k, mark(kafka, figure), format, target.verdict(a / k));
    }

    /**
     * The caveats of BrokerBench's table: latency measured while the sender could not keep the asked rate, and a
     * phase in which records failed (their count is in the phase's line above the table).
     */
    private static String mark(final ClusterResult r, final String figure) {
        if (r == null) {
            return "";
        }
        if (figure.contains("@")) {
            return r.latency() == null ? "" : (r.latency().keptRate() ? "" : " (behind)")
                    + (r.latency().errors() > 0 ? " (errors)" : "");
        }
        return r.produce() != null && r.produce().errors() > 0 ? " (errors)" : "";
    }

    private static double value(final ClusterResult r, final Function<ClusterResult, Double> f) {
        return r == null ? Double.NaN : f.apply(r);
    }

    private static String durabilityNote() {
        return "note: ailurus fsyncs before it acknowledges acks=all; Kafka runs with its default flush settings and "
                + "does not fsync per write (it acknowledges once the in-sync replicas have the batch in memory / page "
                + "cache). Kafka's failover includes broker.session.timeout.ms (default 9 s) when the killed node's "
                + "death is only noticed through missed heartbeats.";
    }

    private static void printSetup(final ClusterBenchOptions options, final Instant started, final String command)
            throws IOException {
        System.out.println("ClusterBench: 3-node ailurus vs 3-node Apache Kafka " + options.kafkaVersion()
                + ", started " + started);
        System.out.println("  command   " + command);
        System.out.println("  machine   " + MachineInfo.describe());
        System.out.printf("  load avg  %.2f (1 min) at the start; other work on the machine makes figures noisy%n",
                MachineInfo.loadAverage());
        System.out.println("  workload  " + options.describeWorkload());
        System.out.println("  systems   " + options.systems().stream().map(BrokerKind::label).toList()
                + ", one at a time, each node -Xmx" + options.nodeHeap());
        System.out.println("  note      all 3 nodes of a cluster and the producer share the "
                + Runtime.getRuntime().availableProcessors() + " cpus of this machine");
        Files.createDirectories(options.baseDir());
        System.out.println("  base dir  " + StorageInfo.of(options.baseDir()));
    }

    private static Path writeMarkdown(final ClusterBenchOptions options, final Instant started, final String command,
            final Map<BrokerKind, ClusterResult> results, final ComparisonTable table, final double loadAtEnd)
            throws IOException {
        final StringBuilder md = new StringBuilder();
        md.append("Run ").append(started).append(", `").append(command).append("`\n\n");
        md.append("Machine: ").append(MachineInfo.describe()).append(String.format(
                "; load average %.2f at the end.%n", loadAtEnd));
        md.append("\nWorkload: ").append(options.describeWorkload()).append(".\n");
        for (final ClusterResult r : results.values()) {
            md.append("\n").append(r.kind().label()).append(" data: `").append(r.fileSystem()).append("`");
            if (r.failover() != null) {
                md.append("; failover ").append(r.failover());
            }
            if (r.failure() != null) {
                md.append("; FAILED: ").append(r.failure());
            }
        }
        md.append("\n\n").append(table.markdown()).append("\n").append(durabilityNote()).append("\n");
        final Path file = options.baseDir().resolve("results.md");
        Files.writeString(file, md.toString());
        return file;
    }
}
