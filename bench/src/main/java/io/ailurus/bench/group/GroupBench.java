package io.ailurus.bench.group;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Consumer groups on ailurus against Apache Kafka, in the same run on the same machine, with kafka-clients and the
 * classic group protocol: how long a group of three takes to form, how long the others take to own everything again
 * after one member leaves, and how many offset commits per second one committer gets through. Each broker is a child
 * JVM started by BrokerBench's launch code (see {@link BrokerHarness}); they run one after the other, never together.
 *
 * <p>Run from the repository root, after building ailurus and the bench (see bench/README.md):
 * {@code java -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.ailurus.bench.group.GroupBench}
 * ({@code --help} lists the flags).
 */
public final class GroupBench {

    private GroupBench() {
    }

    public static void main(final String[] args) throws Exception {
        final GroupBenchOptions options;
        try {
            options = GroupBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        final BrokerHarness harness = BrokerHarness.of(options.harnessArgs());
        final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        final String command = "GroupBench " + String.join(" ", args);
        printSetup(options, started, command);

        // Fail before any broker runs if one of them cannot be started at all.
        if (options.brokers().contains("ailurus")) {
            harness.checkAilurusBuilt();
        }
        if (options.brokers().contains("kafka")) {
            harness.kafkaClasspath();
        }

        final Map<String, BrokerGroupResults> results = new LinkedHashMap<>();
        boolean failed = false;
        for (final String broker : options.brokers()) {
            try {
                final BrokerGroupResults r = BrokerGroupRun.run(broker, harness, options);
                results.put(broker, r);
                failed |= !r.failures().isEmpty() || r.commit() == null;
            } catch (Exception e) {
                System.out.println("  " + broker + " FAILED: " + e);
                failed = true;
            }
        }

        final GroupTable table = GroupTable.of(results.get("ailurus"), results.get("kafka"));
        System.out.printf("%n=== consumer groups: ailurus vs Apache Kafka (ratio = ailurus / Kafka) ===%n");
        table.printText(System.out);
        System.out.println();
        for (final BrokerGroupResults r : results.values()) {
            System.out.printf("%-7s formation ms: %s%n", r.label(), BrokerGroupResults.list(r.formationMs()));
            System.out.printf("%-7s rebalance ms: %s%n", r.label(), BrokerGroupResults.list(r.rebalanceMs()));
            System.out.printf("%-7s close() ms:   %s%n", r.label(), BrokerGroupResults.list(r.closeMs()));
            for (final String f : r.failures()) {
                System.out.printf("%-7s FAILED: %s%n", r.label(), f);
            }
        }
        final double loadAtEnd = BrokerHarness.loadAverage();
        System.out.printf("%nload average (1 min) at the end: %.2f; finished %s%n", loadAtEnd,
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
        final Path md = writeMarkdown(options, started, command, results, table, loadAtEnd);
        System.out.println("Markdown table written to " + md);
        System.exit(failed ? 1 : 0);
    }

    private static void printSetup(final GroupBenchOptions options, final Instant started, final String command)
            throws IOException {
        System.out.println("GroupBench: consumer groups on ailurus vs Apache Kafka, started " + started);
        System.out.println("  command   " + command);
        System.out.println("  machine   " + BrokerHarness.machine());
        System.out.printf("  load avg  %.2f (1 min) at the start%n", BrokerHarness.loadAverage());
        System.out.printf("  groups    %d members, subscribe() to a %d-partition topic, classic protocol, default "
                        + "assignors (range), heartbeat.interval.ms %d, session.timeout.ms %d, auto-commit off, "
                        + "poll(%d ms)%n", options.members(), options.partitions(),
                ConsumerSettings.HEARTBEAT_INTERVAL_MS, ConsumerSettings.SESSION_TIMEOUT_MS, options.pollMillis());
        System.out.printf("  runs      %d repetitions per broker (fresh group id each: formation, a pause of %d ms + "
                        + "(rep mod 10) x %d ms, one member leaves); commitSync() loop %.0f s after %.0f s unmeasured; "
                        + "every wait bounded by %d s%n", options.repetitions(), options.settleMillis(),
                ConsumerSettings.HEARTBEAT_INTERVAL_MS / 10, options.commitSeconds(), options.commitWarmupSeconds(),
                options.timeoutSeconds());
        System.out.println("  brokers   " + options.brokers() + ", one at a time, group.initial.rebalance.delay.ms at "
                + "each broker's default (3 s on both)");
        System.out.println("  kafka lib " + options.kafkaLibNote());
        Files.createDirectories(options.baseDir());
        System.out.println("  base dir  " + BrokerHarness.fileSystem(options.baseDir()));
    }

    private static Path writeMarkdown(final GroupBenchOptions options, final Instant started, final String command,
            final Map<String, BrokerGroupResults> results, final GroupTable table, final double loadAtEnd)
            throws IOException {
        final StringBuilder md = new StringBuilder();
        md.append("Run ").append(started).append(", `").append(command).append("`\n\n");
        md.append("Machine: ").append(BrokerHarness.machine()).append(String.format(
                "; load average %.2f at the end.%n", loadAtEnd));
        for (final BrokerGroupResults r : results.values()) {
            md.append("\n").append(r.label()).append(": data `").append(r.fileSystem()).append("`; ")
                    .append(BrokerHarness.DELAY_KEY).append(" ").append(r.initialDelay()).append("\n");
        }
        md.append("\n").append(table.markdown());
        for (final BrokerGroupResults r : results.values()) {
            md.append("\n").append(r.label()).append(" formation ms: ").append(BrokerGroupResults.list(r.formationMs()))
                    .append("  \n").append(r.label()).append(" rebalance ms: ")
                    .append(BrokerGroupResults.list(r.rebalanceMs())).append("  \n");
            if (r.commit() != null) {
                md.append(r.label()).append(" commits: ").append(r.commit()).append("  \n");
            }
            for (final String f : r.failures()) {
                md.append(r.label()).append(" FAILED: ").append(f).append("  \n");
            }
        }
        final Path file = options.baseDir().resolve("results.md");
        Files.writeString(file, md.toString());
        return file;
    }
}
