package io.ailurus.bench.broker;

import io.ailurus.bench.StorageInfo;
import io.ailurus.bench.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One broker's part of the run, alone on the machine: start it with a fresh data directory, warm it up, run every
 * case (throughput produce, consume of what was produced, fixed-rate latency), stop it, delete its data.
 */
final class BrokerRun {

    private static final String WARMUP_TOPIC = "bench-warmup";

    private BrokerRun() {
    }

    static BrokerResults run(final BrokerKind kind, final BrokerBenchOptions options)
            throws IOException, InterruptedException {
        final Path runDir = options.baseDir();
        Files.createDirectories(runDir);
        // The broker appends to <label>.log, across restarts within this run; a new run starts it afresh.
        Files.deleteIfExists(runDir.resolve(kind.label() + ".log"));
        System.out.printf("%n=== %s ===%n", kind.label());
        final List<CaseResult> results = new ArrayList<>();
        StorageInfo fs = null;
        final List<BenchCase> cases = options.cases();
        int next = 0;
        // A broker that dies (or is killed by someone else on a shared machine) is started again, with fresh data,
        // for the cases it has not finished. The case it died in runs once more, at most: every pass of the outer
        // loop either finishes a case or uses up that case's one retry, so the loop ends.
        boolean retried = false;
        while (next < cases.size()) {
            final Path dataDir = TempDirs.create(runDir, kind.label() + "-data-");
            ExitCleanup.register(dataDir);
            try {
                fs = StorageInfo.of(dataDir);
                System.out.println("  data dir  " + fs);
                if (fs.memoryBacked()) {
                    System.out.println("  WARNING: the data directory is memory-backed; fsync is free there and the"
                            + " figures do not measure a disk");
                }
                final long t0 = System.nanoTime();
                try (BrokerUnderTest broker = BrokerUnderTest.start(kind, options, runDir, dataDir)) {
                    System.out.printf("  started in %.1f s: pid %d, %s, log %s%n", (System.nanoTime() - t0) / 1e9,
                            broker.pid(), broker.bootstrap(), broker.logFile());
                    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                            broker.bootstrap()))) {
                        warmUp(broker, admin, options);
                        while (next < cases.size()) {
                            final CaseResult r = runCase(broker, admin, options, cases.get(next));
                            final String died = exitReason(broker);
                            if (died != null && r.failure() != null && !retried) {
                                retried = true;
                                System.out.println("  " + died + "; starting it again to retry " + cases.get(next));
                                break;
                            }
                            results.add(r);
                            next++;
                            retried = false;
                            if (died != null) {
                                System.out.println("  " + died + "; starting it again for the remaining cases");
                                break;
                            }
                        }
                    }
                    System.out.println("  stopping " + kind.label());
                }
            } finally {
                TempDirs.deleteRecursively(dataDir);
                ExitCleanup.unregister(dataDir);
            }
        }
        return new BrokerResults(kind, fs, Collections.unmodifiableList(results));
    }

    /** Unmeasured: JIT of both the broker and the clients, on the widest topic of the run, acks=1. */
    private static void warmUp(final BrokerUnderTest broker, final Admin admin, final BrokerBenchOptions options)
            throws InterruptedException {
        if (options.warmupSeconds() <= 0) {
            return;
        }
        final int partitions = Collections.max(options.partitions());
        try {
            Topics.create(admin, broker.bootstrap(), WARMUP_TOPIC, partitions);
            final ProduceResult p = ThroughputProducer.run(broker, options, "1", WARMUP_TOPIC, Long.MAX_VALUE,
                    options.warmupSeconds());
            final ConsumeResult c = ThroughputConsumer.run(broker, options, WARMUP_TOPIC, partitions,
                    Duration.ofSeconds((long) Math.ceil(options.warmupSeconds()) + 30));
            System.out.printf("  warm-up   produce %.1f MiB/s, consume %.1f MiB/s (not measured)%n",
                    p.mibPerSecond(), c.mibPerSecond());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            System.out.println("  warm-up failed: " + e);
        }
    }

    private static CaseResult runCase(final BrokerUnderTest broker, final Admin admin,
            final BrokerBenchOptions options, final BenchCase c) throws InterruptedException {
        System.out.printf("  -- %s (topic %s)%n", c, c.topic());
        ProduceResult produce = null;
        ConsumeResult consume = null;
        LatencyResult latency = null;
        try {
            Topics.create(admin, broker.bootstrap(), c.topic(), c.partitions());
            PageCacheSync.run(options);
            produce = ThroughputProducer.run(broker, options, c.acks(), c.topic(), options.produceBytes(),
                    options.produceSeconds());
            System.out.println("     produce  " + produce);
            broker.checkAlive();
            PageCacheSync.run(options);
            consume = ThroughputConsumer.run(broker, options, c.topic(), c.partitions(), consumeTimeout(options));
            System.out.println("     consume  " + consume);
            broker.checkAlive();
            PageCacheSync.run(options);
            latency = LatencyProducer.run(broker, options, c.acks(), c.topic());
            System.out.println("     latency  " + latency);
            return new CaseResult(c, produce, consume, latency, null);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            System.out.println("     FAILED: " + e);
            return new CaseResult(c, produce, consume, latency, e.toString());
        }
    }

    /** Generous: reading back is normally several times faster than producing. */
    private static Duration consumeTimeout(final BrokerBenchOptions options) {
        return Duration.ofSeconds(Math.max(60, (long) Math.ceil(options.produceSeconds() * 3)));
    }

    /** Null while the broker runs, else why it is gone (with its exit code: 143 is SIGTERM, 137 SIGKILL). */
    private static String exitReason(final BrokerUnderTest broker) {
        try {
            broker.checkAlive();
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }
}
