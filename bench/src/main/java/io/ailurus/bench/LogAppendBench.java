package io.ailurus.bench;

import io.ailurus.partition.log.LogConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * How close {@code SegmentLog.append} comes to the raw write bandwidth of the disk, without fsync, with 1 ms group
 * commit and with an fsync per batch. Every mode appends the same 16 x 1 KiB batch into a fresh directory, after a
 * short warm-up in a throw-away file, and the directory is deleted afterwards. All modes run in several interleaved
 * rounds and the median round of each is reported, because a shared VM's disk and memory bandwidth drift.
 *
 * <p>Run: {@code java -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.ailurus.bench.LogAppendBench}
 * (see bench/README.md; {@code --help} lists the flags).
 */
public final class LogAppendBench {

    /** Warm-up is for the JIT and the file system's allocator; a few seconds is plenty even for fsync-per-batch. */
    private static final long WARMUP_MAX_NS = TimeUnit.SECONDS.toNanos(3);

    private LogAppendBench() {
    }

    public static void main(final String[] args) throws Exception {
        final BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        final MemoryRecords batch = SampleBatch.build();
        final int batchBytes = batch.sizeInBytes();
        final LogConfig config = LogConfig.defaults().withSegmentBytes(options.segmentBytes());

        printSetup(options, batchBytes);

        primePageCache(options, batch, batchBytes);
        final Map<Mode, List<ModeResult>> results = new LinkedHashMap<>();
        for (int round = 1; round <= options.rounds(); round++) {
            System.out.printf("round %d of %d%n", round, options.rounds());
            for (final Mode mode : options.modes()) {
                results.computeIfAbsent(mode, m -> new ArrayList<>())
                        .add(runMode(mode, options, config, batch, batchBytes));
            }
        }
        final List<ModeSummary> summaries = new ArrayList<>();
        results.forEach((mode, rounds) -> summaries.add(new ModeSummary(mode, rounds)));
        ResultTable.print(summaries, System.out);
        System.out.printf("%nload average (1 min) at the end: %.2f on %d cpus%n", loadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    /** Other processes competing for the 2 cores or the disk skew the results; the load average tells the reader. */
    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /**
     * Writes and deletes one run's worth of data, unmeasured. On a fresh VM the first pass through page-cache memory
     * is markedly slower (guest pages backed lazily by the host); without this the first mode measured pays for it.
     */
    private static void primePageCache(final BenchOptions options, final MemoryRecords batch, final int batchBytes)
            throws IOException, InterruptedException {
        final Path dir = TempDirs.create(options.baseDir(), "prime-");
        try (BatchSink sink = new RawFileSink(dir.resolve("prime.data"), batch)) {
            final RunStats stats = AppendRunner.run(sink, SyncPolicy.NONE, batchBytes, options.bytes(),
                    AppendRunner.NO_TIME_LIMIT);
            System.out.printf("primed the page cache: %.0f MiB raw in %.2f s (not measured)%n",
                    stats.bytes() / (double) BenchOptions.MIB, stats.elapsedNs() / 1e9);
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    private static void printSetup(final BenchOptions options, final int batchBytes) throws IOException {
        Files.createDirectories(options.baseDir());
        System.out.printf("LogAppendBench  %s%n", Instant.now());
        System.out.printf("java %s (%s), %d cpus, max heap %d MiB, load average (1 min) %.2f%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, loadAverage());
        System.out.printf("workload: %d records x %d B values per batch = %d B batches; %d MiB per mode "
                        + "(fsync-per-batch modes capped at %.0f s); warm-up %d MiB per mode; segment.bytes %d%n",
                SampleBatch.RECORDS_PER_BATCH, SampleBatch.VALUE_BYTES, batchBytes, options.bytes() >> 20,
                options.secondsPerFsyncMode(), options.warmupBytes() >> 20, options.segmentBytes());
        System.out.println("file systems:");
        System.out.println("  data  " + StorageInfo.of(options.baseDir()));
        final Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        System.out.println("  tmp   " + StorageInfo.of(tmp));
        if (StorageInfo.of(options.baseDir()).memoryBacked()) {
            System.out.println("WARNING: the data directory is memory-backed; fsync is free there. Use --dir on a disk.");
        }
        System.out.println();
    }

    private static ModeResult runMode(final Mode mode, final BenchOptions options, final LogConfig config,
            final MemoryRecords batch, final int batchBytes) throws IOException, InterruptedException {
        final Path dir = TempDirs.create(options.baseDir(), "mode-" + mode.id() + "-");
        try {
            if (options.warmupBytes() > 0) {
                final Path warmDir = dir.resolve("warmup");
                try (BatchSink sink = openSink(mode, warmDir, config, batch)) {
                    AppendRunner.run(sink, mode.policy(), batchBytes, options.warmupBytes(), WARMUP_MAX_NS);
                }
                TempDirs.deleteRecursively(warmDir);
            }
            // Leave the warm-up's garbage behind us rather than have it collected in the middle of the run.
            System.gc();
            final long maxNanos = mode.timeCapped()
                    ? (long) (options.secondsPerFsyncMode() * 1e9) : AppendRunner.NO_TIME_LIMIT;
            final RunStats stats;
            final String written;
            try (BatchSink sink = openSink(mode, dir.resolve("measured"), config, batch)) {
                stats = AppendRunner.run(sink, mode.policy(), batchBytes, options.bytes(), maxNanos);
                written = sink.describe();
            }
            System.out.printf("  %-3s %-18s %8.1f MiB/s  %7.1f MiB in %6.2f s  max %8.1f ms  %s%n", mode.id(),
                    mode.label(), stats.mibPerSecond(), stats.bytes() / (double) BenchOptions.MIB,
                    stats.elapsedNs() / 1e9, stats.ackNs().getMaxValue() / 1e6, written);
            return new ModeResult(mode, stats, written);
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    private static BatchSink openSink(final Mode mode, final Path dir, final LogConfig config,
            final MemoryRecords batch) throws IOException {
        if (mode.log()) {
            return new SegmentLogSink(dir, config, batch);
        }
        Files.createDirectories(dir);
        return new RawFileSink(dir.resolve("raw.data"), batch);
    }
}
