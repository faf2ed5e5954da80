package io.ailurus.bench.txn;

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
 * Transactions and log compaction on ailurus against Apache Kafka, in the same run on the same machine, with the same
 * kafka-clients workload: transactional produce throughput (a few producers with distinct transactional ids, each
 * running transactions of 100 sends back to back, acks=all), read_committed consume throughput of what they
 * committed, and the log cleaner's throughput on a compacted topic. Each broker is a child JVM started by
 * BrokerBench's code; they run one after the other, never together.
 *
 * <p>Run from the repository root, after building ailurus ({@value AilurusBroker#BUILD_HINT}) and the bench:
 * {@code java -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.ailurus.bench.txn.TxnBench}
 * (see bench/README.md; {@code --help} lists the flags).
 */
public final class TxnBench {

    private TxnBench() {
    }

    public static void main(final String[] args) throws Exception {
        final TxnBenchOptions options;
        try {
            options = TxnBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        final String command = "java -cp \"$(cat bench/target/classpath.txt):bench/target/classes\" "
                + TxnBench.class.getName() + (args.length == 0 ? "" : " " + String.join(" ", args));
        printSetup(options, started, command);

        // Fail before any broker runs if one of them cannot be started at all.
        if (options.brokers().contains(BrokerKind.AILURUS)) {
            AilurusBroker.classpath(options.brokerOptions().ailurusHome());
        }
        if (options.brokers().contains(BrokerKind.KAFKA)) {
            KafkaDistribution.classpath(options.brokerOptions());
        }

        final Map<BrokerKind, TxnResults> results = new LinkedHashMap<>();
        boolean failed = false;
        for (final BrokerKind kind : options.brokers()) {
            final TxnResults r = TxnRun.run(kind, options);
            results.put(kind, r);
            failed |= !r.failures().isEmpty() || r.produce() == null || r.consume() == null
                    || (options.cleanerBrokers().contains(kind) && r.cleaner() == null);
        }

        final ComparisonTable table = table(options, results.get(BrokerKind.AILURUS), results.get(BrokerKind.KAFKA));
        System.out.printf("%n=== transactions and compaction: ailurus vs Apache Kafka %s (ratio = ailurus / Kafka) "
                + "===%n", options.brokerOptions().kafkaVersion());
        table.printText(System.out);
        System.out.println(notes(options));
        for (final TxnResults r : results.values()) {
            for (final String f : r.failures()) {
                System.out.printf("%-7s FAILED: %s%n", r.kind().label(), f);
            }
        }
        final double loadAtEnd = MachineInfo.loadAverage();
        System.out.printf("%nload average (1 min) at the end: %.2f; finished %s%n", loadAtEnd,
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
        System.out.println("reproduce: " + command);
        final Path md = writeMarkdown(options, started, command, results, table, loadAtEnd);
        System.out.println("Markdown table written to " + md);
        System.exit(failed ? 1 : 0);
    }

    static ComparisonTable table(final TxnBenchOptions options, final TxnResults ailurus, final TxnResults kafka) {
        final ComparisonTable table = ComparisonTable.empty();
        final String txnCase = String.format("txn p=%d, %d producers x %d records", options.partitions(),
                options.producers(), options.transactionRecords());
        row(table, txnCase, "transactional produce MiB/s", ailurus, kafka,
                r -> r.produce() == null ? Double.NaN : r.produce().mibPerSecond(), "%.1f", Target.AT_LEAST_ONE);
        row(table, "", "transactions/s", ailurus, kafka,
                r -> r.produce() == null ? Double.NaN : r.produce().transactionsPerSecond(), "%.0f", Target.NONE);
        row(table, "", "broker CPU s/GiB produced", ailurus, kafka, r -> r.produce() == null ? Double.NaN
                : r.produce().cpu().brokerSecondsPerGib(r.produce().bytes()), "%.2f", Target.NONE);
        row(table, "", "read_committed consume MiB/s", ailurus, kafka,
                r -> r.consume() == null ? Double.NaN : r.consume().mibPerSecond(), "%.1f", Target.AT_LEAST_ONE);
        if (!options.cleanerBrokers().isEmpty()) {
            final String cleanerCase = String.format("compacted p=1, %.0f MiB / %,d keys",
                    Sizes.mib(options.cleanerBytes()), options.cleanerKeys());
            row(table, cleanerCase, "cleaner MiB/s (ailurus max-bytes-per-second=" + options.cleanerMaxBytesPerSecond()
                    + ")", ailurus, kafka, r -> r.cleaner() == null ? Double.NaN : r.cleaner().mibPerSecond(), "%.1f",
                    Target.NONE);
            row(table, "", "cleaner s, release to last pass", ailurus, kafka, r -> r.cleaner() == null
                    || r.cleaner().elapsedMillis() < 0 ? Double.NaN : r.cleaner().elapsedMillis() / 1000.0, "%.2f",
                    Target.NONE);
        }
        return table;
    }

    private static void row(final ComparisonTable table, final String label, final String figure,
            final TxnResults ailurus, final TxnResults kafka, final Function<TxnResults, Double> f,
            final String format, final Target target) {
        final double a = ailurus == null ? Double.NaN : f.apply(ailurus);
        final double k = kafka == null ? Double.NaN : f.apply(kafka);
        table.addRow(label, figure, a, mark(ailurus, figure), k, mark(kafka, figure), format, target.verdict(a / k));
    }

    /** Caveats after a figure: records that failed, a consumer or a cleaner stopped by the phase's deadline. */
    private static String mark(final TxnResults r, final String figure) {
        if (r == null) {
            return "";
        }
        if (figure.startsWith("transactional produce") && r.produce() != null
                && (r.produce().firstError() != null || r.produce().aborted() > 0)) {
            return " (errors)";
        }
        if (figure.startsWith("read_committed") && r.consume() != null && !r.consume().complete()) {
            return " (incomplete)";
        }
        if (figure.startsWith("cleaner") && r.cleaner() != null && !r.cleaner().complete()) {
            return " (incomplete)";
        }
        return "";
    }

    private static String notes(final TxnBenchOptions options) {
        return "notes: ailurus fsyncs before it acknowledges acks=all; Kafka runs with its default flush settings and "
                + "does not fsync per write. Cleaner: MiB of log the cleaner's passes "
                + "went over (as each broker logs them) per second from min.compaction.lag.ms set to 0 to the last "
                + "pass, on a broker started again with ailurus.log-cleaner.max-bytes-per-second="
                + options.cleanerMaxBytesPerSecond() + " (the node's default is 32MiB) and a cleaner backoff of "
                + options.cleanerBackoffMs() + " ms on both (ailurus.log-cleaner.backoff, log.cleaner.backoff.ms; "
                + "defaults 5 s and 15 s); Kafka's log.cleaner.io.max.bytes.per.second is left unlimited (its default).";
    }

    private static void printSetup(final TxnBenchOptions options, final Instant started, final String command)
            throws IOException {
        System.out.println("TxnBench: transactions and compaction, ailurus vs Apache Kafka "
                + options.brokerOptions().kafkaVersion() + ", started " + started);
        System.out.println("  command   " + command);
        System.out.println("  machine   " + MachineInfo.describe());
        System.out.printf("  load avg  %.2f (1 min) at the start; other work on the machine makes figures noisy%n",
                MachineInfo.loadAverage());
        System.out.println("  txn       " + options.describeTransactions());
        System.out.println("  cleaner   " + options.describeCleaner());
        System.out.println("  brokers   " + options.brokers().stream().map(BrokerKind::label).toList()
                + ", one at a time, each -Xmx" + options.brokerOptions().brokerHeap()
                + ", started again (fresh data) for the cleaner");
        if (Runtime.getRuntime().availableProcessors() <= 2) {
            System.out.println("  note      only " + Runtime.getRuntime().availableProcessors() + " cpus: the bench's "
                    + "producers/consumer and the broker compete for them");
        }
        Files.createDirectories(options.baseDir());
        System.out.println("  base dir  " + StorageInfo.of(options.baseDir()));
    }

    private static Path writeMarkdown(final TxnBenchOptions options, final Instant started, final String command,
            final Map<BrokerKind, TxnResults> results, final ComparisonTable table, final double loadAtEnd)
            throws IOException {
        final StringBuilder md = new StringBuilder();
        md.append("Run ").append(started).append(", `").append(command).append("`\n\n");
        md.append("Machine: ").append(MachineInfo.describe()).append(String.format(
                "; load average %.2f at the end.%n", loadAtEnd));
        md.append("\nTransactions: ").append(options.describeTransactions()).append(".  \nCleaner: ")
                .append(options.describeCleaner()).append(".\n");
        for (final TxnResults r : results.values()) {
            md.append("\n").append(r.kind().label()).append(" data: `").append(r.fileSystem()).append("`  \n");
            if (r.produce() != null) {
                md.append(r.kind().label()).append(" produce: ").append(r.produce()).append("  \n");
            }
            if (r.consume() != null) {
                md.append(r.kind().label()).append(" read_committed consume: ").append(r.consume()).append("  \n");
            }
            if (r.cleaner() != null) {
                md.append(r.kind().label()).append(" cleaner: ").append(r.cleaner()).append("  \n");
            }
            for (final String f : r.failures()) {
                md.append(r.kind().label()).append(" FAILED: ").append(f).append("  \n");
            }
        }
        md.append("\n").append(table.markdown()).append("\n").append(notes(options)).append("\n");
        final Path file = options.baseDir().resolve("results.md");
        Files.writeString(file, md.toString());
        return file;
    }
}
