package io.ailurus.bench.txn;

import io.ailurus.bench.StorageInfo;
import io.ailurus.bench.TempDirs;
import io.ailurus.bench.broker.BrokerBenchOptions;
import io.ailurus.bench.broker.BrokerKind;
import io.ailurus.bench.broker.BrokerUnderTest;
import io.ailurus.bench.broker.ConsumeResult;
import io.ailurus.bench.broker.ExitCleanup;
import io.ailurus.bench.broker.PageCacheSync;
import io.ailurus.bench.broker.ThroughputConsumer;
import io.ailurus.bench.broker.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One broker's part of the run, alone on the machine. The broker is started twice, each time with a fresh data
 * directory: first as configured by default, for the transactional produce and the read_committed consume of what it
 * committed; then with the compaction phase's cleaner settings (a higher byte rate and a short backoff), for the
 * cleaner alone, so that those settings never touch the transaction figures.
 */
final class TxnRun {

    static final String TOPIC = "txn-bench";
    private static final String WARMUP_TOPIC = "txn-bench-warmup";

    private final BrokerKind kind;
    private final TxnBenchOptions options;
    private final List<String> failures = new ArrayList<>();
    private StorageInfo fileSystem;
    private TxnProduceResult produce;
    private ConsumeResult consume;
    private CleanerResult cleaner;

    private TxnRun(final BrokerKind kind, final TxnBenchOptions options) {
        this.kind = kind;
        this.options = options;
    }

    static TxnResults run(final BrokerKind kind, final TxnBenchOptions options) throws IOException, InterruptedException {
        final TxnRun run = new TxnRun(kind, options);
        Files.createDirectories(options.baseDir());
        // The broker appends to <label>.log, across both starts; a new run starts it afresh.
        Files.deleteIfExists(options.baseDir().resolve(kind.label() + ".log"));
        System.out.printf("%n=== %s ===%n", kind.label());
        run.withBroker("transactions", options.brokerOptions(), run::transactions);
        if (options.cleanerBrokers().contains(kind)) {
            run.withBroker("compaction", options.cleanerBrokerOptions(), run::compaction);
        }
        return new TxnResults(kind, run.fileSystem, run.produce, run.consume, run.cleaner, List.copyOf(run.failures));
    }

    @FunctionalInterface
    private interface Phase {
        void run(BrokerUnderTest broker, Admin admin) throws Exception;
    }

    /** Starts the broker on a fresh data directory, runs {@code phase}, stops it, deletes the data. */
    private void withBroker(final String name, final BrokerBenchOptions brokerOptions, final Phase phase)
            throws IOException, InterruptedException {
        final Path runDir = options.baseDir();
        final Path dataDir = TempDirs.create(runDir, kind.label() + "-data-");
        ExitCleanup.register(dataDir);
        try {
            fileSystem = StorageInfo.of(dataDir);
            System.out.println("  data dir  " + fileSystem);
            if (fileSystem.memoryBacked()) {
                System.out.println("  WARNING: the data directory is memory-backed; fsync is free there and the"
                        + " figures do not measure a disk");
            }
            final long t0 = System.nanoTime();
            try (BrokerUnderTest broker = BrokerUnderTest.start(kind, brokerOptions, runDir, dataDir)) {
                System.out.printf("  started for the %s phase in %.1f s: pid %d, %s, log %s%n", name,
                        (System.nanoTime() - t0) / 1e9, broker.pid(), broker.bootstrap(), broker.logFile());
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrap()))) {
                    phase.run(broker, admin);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    System.out.println("     FAILED: " + e);
                    failures.add(name + ": " + e);
                }
                System.out.println("  stopping " + kind.label());
            } catch (IOException | RuntimeException e) {
                System.out.println("  " + kind.label() + " FAILED to start for the " + name + " phase: " + e);
                failures.add(name + ": " + e);
            }
        } finally {
            TempDirs.deleteRecursively(dataDir);
            ExitCleanup.unregister(dataDir);
        }
    }

    private void transactions(final BrokerUnderTest broker, final Admin admin) throws Exception {
        final BrokerBenchOptions brokerOptions = options.brokerOptions();
        warmUp(broker, admin, brokerOptions);
        System.out.printf("  -- transactions (topic %s, %d partitions)%n", TOPIC, options.partitions());
        Topics.create(admin, broker.bootstrap(), TOPIC, options.partitions(), (short) 1);
        PageCacheSync.run(brokerOptions);
        produce = TransactionalProducers.run(broker, brokerOptions, TOPIC, options.producers(),
                options.transactionRecords(), options.seconds(), "txn-bench");
        System.out.println("     produce  " + produce);
        if (produce.firstError() != null) {
            failures.add("produce: " + produce.firstError());
        }
        broker.checkAlive();
        PageCacheSync.run(brokerOptions);
        consume = readCommitted(broker, TOPIC);
        System.out.println("     consume  " + consume + " (read_committed)");
        if (!consume.complete()) {
            failures.add("read_committed consume did not reach the end offsets");
        }
        broker.checkAlive();
    }

    /** Unmeasured: JIT of the broker's and the clients' transaction paths, on a topic of its own. */
    private void warmUp(final BrokerUnderTest broker, final Admin admin, final BrokerBenchOptions brokerOptions)
            throws InterruptedException {
        if (options.warmupSeconds() <= 0) {
            return;
        }
        try {
            Topics.create(admin, broker.bootstrap(), WARMUP_TOPIC, options.partitions(), (short) 1);
            final TxnProduceResult p = TransactionalProducers.run(broker, brokerOptions, WARMUP_TOPIC,
                    options.producers(), options.transactionRecords(), options.warmupSeconds(), "txn-bench-warmup");
            final ConsumeResult c = readCommitted(broker, WARMUP_TOPIC);
            System.out.printf("  warm-up   produce %.1f MiB/s, %.0f transactions/s, read_committed consume %.1f MiB/s "
                    + "(not measured)%s%n", p.mibPerSecond(), p.transactionsPerSecond(), c.mibPerSecond(),
                    p.firstError() == null ? "" : "; error: " + p.firstError());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            System.out.println("  warm-up failed: " + e);
        }
    }

    private void compaction(final BrokerUnderTest broker, final Admin admin) throws Exception {
        System.out.printf("  -- log cleaner (topic %s)%n", CompactionRun.TOPIC);
        cleaner = CompactionRun.run(broker, admin, options);
        System.out.println("     cleaner  " + cleaner);
        if (!cleaner.complete() || cleaner.passes().isEmpty()) {
            failures.add("cleaner: " + (cleaner.passes().isEmpty() ? "no pass logged" : "did not go quiet"));
        }
    }

    /** BrokerBench's consumer (read_committed here), bounded generously: reading back is faster than producing. */
    private ConsumeResult readCommitted(final BrokerUnderTest broker, final String topic) {
        final Duration timeout = Duration.ofSeconds(Math.max(60, (long) Math.ceil(options.seconds() * 3)));
        return ThroughputConsumer.run(broker, options.brokerOptions(), topic, options.partitions(), timeout);
    }
}
