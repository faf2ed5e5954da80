package io.ailurus.bench.tier;

import io.ailurus.bench.StorageInfo;
import io.ailurus.bench.TempDirs;
import io.ailurus.bench.broker.ExitCleanup;
import io.ailurus.bench.broker.MachineInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiered storage, measured in one run against one ailurus node and one S3 server (S3Mock in a child JVM): produce
 * throughput with tiering on against off, consume throughput of a topic read entirely from the bucket (cold and warm
 * cache) against the raw GET throughput of the same server and a local read, and the time to first record of a cold
 * remote fetch. Prints a table and writes it as Markdown to {@code bench/target/tier-bench-results.md}. See
 * bench/README.md, section TierBench.
 */
public final class TierBench {

    static final String BUCKET = "tier-bench";

    private TierBench() {
    }

    public static void main(final String[] args) throws Exception {
        final TierBenchOptions options;
        try {
            options = TierBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options));
    }

    static int run(final TierBenchOptions options) throws Exception {
        Files.createDirectories(options.baseDir());
        Files.createDirectories(options.s3Dir());
        final RunInfo info = RunInfo.collect(options);
        System.out.println("TierBench: tiered storage on one ailurus node against S3Mock");
        System.out.println("command: " + info.command());
        System.out.println("date:    " + info.date());
        System.out.println("commit:  " + info.commit());
        System.out.println("machine: " + info.machine());
        System.out.printf("load:    %.2f%n", info.loadAtStart());
        System.out.printf("setup:   %d partitions, segment.bytes %d, %d B records, chunks %d B, cache %d B, upload "
                        + "interval %s, retention check %s, %d produce round(s) of %.0f s, read topics %d MiB%n",
                options.partitions(), options.segmentBytes(), options.recordBytes(), options.chunkBytes(),
                options.cacheBytes(), options.uploadInterval(), options.retentionCheckInterval(),
                options.produceRounds(), options.produceSeconds(), options.topicBytes() >> 20);
        final TierResults results = new TierResults();
        final Path dataDir = TempDirs.create(options.baseDir(), "ailurus-data-");
        ExitCleanup.register(dataDir);
        S3Server s3 = null;
        TieredBroker broker = null;
        try {
            s3 = S3Server.start(options, BUCKET);
            System.out.println("s3:      " + s3.endpoint() + " (S3Mock, pid " + s3.pid() + ", log " + s3.logFile() + ")");
            System.out.println("  objects " + StorageInfo.of(s3.root()));
            System.out.println("  broker  " + StorageInfo.of(dataDir));
            broker = TieredBroker.start(options, s3, dataDir);
            System.out.println("broker:  " + broker.bootstrap() + " (pid " + broker.pid() + ", log " + broker.logFile()
                    + ")");
            new TierRun(options, s3, broker, results).run();
        } catch (Exception | Error e) {
            System.out.println();
            System.out.println("The run stopped early: " + e);
            e.printStackTrace(System.out);
            results.problems.add("stopped early: " + e);
        } finally {
            if (broker != null) {
                broker.close();
            }
            if (s3 != null) {
                s3.close();
            }
            try {
                TempDirs.deleteRecursively(dataDir);
                ExitCleanup.unregister(dataDir);
            } catch (IOException e) {
                System.out.println("could not delete " + dataDir + ": " + e);
            }
        }
        results.loadAtEnd = MachineInfo.loadAverage();
        System.out.printf("%nload at the end: %.2f%n%n", results.loadAtEnd);
        System.out.print(TierTable.text(options, results));
        final Path md = TierBenchOptions.benchTarget().resolve("tier-bench-results.md");
        Files.writeString(md, TierTable.markdown(options, results, info));
        System.out.println();
        System.out.println("written: " + md);
        for (final String e : results.brokerErrors) {
            System.out.println("BROKER ERROR: " + e);
        }
        if (!results.complete(options)) {
            System.out.println("INCOMPLETE: " + (results.problems.isEmpty() ? "a phase did not finish"
                    : String.join("; ", results.problems)));
            return 1;
        }
        return 0;
    }
}
