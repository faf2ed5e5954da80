package io.ailurus.bench.cluster;

import io.ailurus.bench.StorageInfo;
import io.ailurus.bench.TempDirs;
import io.ailurus.bench.broker.BrokerKind;
import io.ailurus.bench.broker.ExitCleanup;
import io.ailurus.bench.broker.LatencyProducer;
import io.ailurus.bench.broker.LatencyResult;
import io.ailurus.bench.broker.ProduceResult;
import io.ailurus.bench.broker.ThroughputProducer;
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
 * One system's part of the run, alone on the machine: start its three nodes with fresh data, create the topic
 * (3 partitions, RF=3), warm up (acks=all, on another topic), measure acks=all throughput, then latency at a fixed rate, then the failover
 * rounds (kill partition 0's leader, time the first produce, restart the node and wait until it has caught up);
 * stop every node and delete the data.
 */
final class ClusterRun {

    private static final String WARMUP_TOPIC = "bench-warmup";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(300);

    private ClusterRun() {
    }

    static ClusterResult run(final BrokerKind kind, final ClusterBenchOptions options)
            throws IOException, InterruptedException {
        final Path runDir = options.baseDir();
        Files.createDirectories(runDir);
        for (int id = 1; id <= 3; id++) {
            Files.deleteIfExists(runDir.resolve(kind.label() + "-" + id + ".log"));
        }
        System.out.printf("%n=== %s, 3 nodes ===%n", kind.label());
        final Path dataDir = TempDirs.create(runDir, kind.label() + "-data-");
        ExitCleanup.register(dataDir);
        StorageInfo fs = null;
        ProduceResult produce = null;
        LatencyResult latency = null;
        FailoverResult failover = null;
        try {
            fs = StorageInfo.of(dataDir);
            System.out.println("  data dir  " + fs);
            if (fs.memoryBacked()) {
                System.out.println("  WARNING: the data directory is memory-backed; fsync is free there");
            }
            final long t0 = System.nanoTime();
            try (BenchCluster cluster = start(kind, options, runDir, dataDir)) {
                System.out.printf("  started in %.1f s: %s; logs %s/%s-{1,2,3}.log%n", (System.nanoTime() - t0) / 1e9,
                        cluster.bootstrap(), runDir, kind.label());
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        cluster.bootstrap()))) {
                    if (options.warmupSeconds() > 0) {
                        Topics.create(admin, cluster.bootstrap(), WARMUP_TOPIC, ClusterBenchOptions.PARTITIONS,
                                ClusterBenchOptions.REPLICATION_FACTOR);
                        cluster.watch(WARMUP_TOPIC);
                        final ProduceResult w = ThroughputProducer.run(cluster, options.brokerOptions(), "all",
                                WARMUP_TOPIC, Long.MAX_VALUE, options.warmupSeconds());
                        System.out.printf("  warm-up   produce %.1f MiB/s (not measured)%n", w.mibPerSecond());
                    }
                    Topics.create(admin, cluster.bootstrap(), FailoverProbe.TOPIC, ClusterBenchOptions.PARTITIONS,
                            ClusterBenchOptions.REPLICATION_FACTOR);
                    cluster.watch(FailoverProbe.TOPIC);
                    cluster.awaitHealthy(START_TIMEOUT);
                }
                produce = ThroughputProducer.run(cluster, options.brokerOptions(), "all", FailoverProbe.TOPIC,
                        options.brokerOptions().produceBytes(), options.seconds());
                System.out.printf("  produce   %.1f MiB/s acks=all (%,d MiB in %.1f s, %,d records, %d errors%s)%n",
                        produce.mibPerSecond(), produce.bytes() >> 20, produce.nanos() / 1e9, produce.records(),
                        produce.errors(), produce.firstError() == null ? "" : ", first: " + produce.firstError());
                cluster.checkAlive();
                latency = LatencyProducer.run(cluster, options.brokerOptions(), "all", FailoverProbe.TOPIC);
                System.out.printf("  latency   p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms at %.1f MiB/s%s (%,d records, "
                                + "%d errors)%n", latency.percentileMillis(50), latency.percentileMillis(99),
                        latency.percentileMillis(99.9), latency.achievedMibPerSecond(),
                        latency.keptRate() ? "" : " (BEHIND the asked rate)", latency.records(), latency.errors());
                cluster.checkAlive();
                failover = failover(cluster, options);
                System.out.println("  failover  " + failover);
                System.out.println("  stopping " + kind.label());
            }
            return new ClusterResult(kind, fs, produce, latency, failover, null);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            System.out.println("  FAILED: " + e);
            return new ClusterResult(kind, fs, produce, latency, failover, e.toString());
        } finally {
            TempDirs.deleteRecursively(dataDir);
            ExitCleanup.unregister(dataDir);
        }
    }

    private static BenchCluster start(final BrokerKind kind, final ClusterBenchOptions options, final Path runDir,
            final Path dataDir) throws IOException, InterruptedException {
        return switch (kind) {
            case AILURUS -> AilurusCluster.start(options, runDir, dataDir, START_TIMEOUT);
            case KAFKA -> KafkaCluster.start(options, runDir, dataDir, START_TIMEOUT);
            case KAFKA_FSYNC -> throw new IllegalArgumentException("no cluster of " + kind.label());
        };
    }

    /**
     * The rounds. A round that gets no produce counts as failed; the killed node is restarted and the cluster must
     * recover whatever the round's outcome, else the remaining rounds would measure a degraded cluster: a cluster
     * that does not recover ends the measurement.
     */
    private static FailoverResult failover(final BenchCluster cluster, final ClusterBenchOptions options)
            throws IOException, InterruptedException {
        final List<Long> millis = new ArrayList<>();
        int failed = 0;
        String firstFailure = null;
        final Duration timeout = Duration.ofMillis((long) (options.failoverTimeout() * 1000));
        for (int round = 1; round <= options.failoverRounds(); round++) {
            final ClusterNode[] killed = new ClusterNode[1];
            try {
                final long ms = FailoverProbe.run(cluster, options.recordBytes(), timeout, killed);
                millis.add(ms);
                System.out.printf("  round %2d  killed %s, produced again after %.2f s", round, killed[0].name(),
                        ms / 1000.0);
            } catch (RuntimeException e) {
                failed++;
                firstFailure = firstFailure == null ? e.toString() : firstFailure;
                System.out.printf("  round %2d  FAILED: %s", round, e);
            }
            if (killed[0] != null) {
                final long t0 = System.nanoTime();
                cluster.restart(killed[0], RECOVERY_TIMEOUT);
                cluster.awaitHealthy(RECOVERY_TIMEOUT);
                System.out.printf("; restarted and caught up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            } else {
                System.out.println();
            }
        }
        return new FailoverResult(List.copyOf(millis), failed, firstFailure);
    }
}
