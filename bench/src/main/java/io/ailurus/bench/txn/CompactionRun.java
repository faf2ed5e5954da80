package io.ailurus.bench.txn;

import io.ailurus.bench.broker.BrokerBenchOptions;
import io.ailurus.bench.broker.BrokerUnderTest;
import io.ailurus.bench.broker.ClientConfigs;
import io.ailurus.bench.broker.PageCacheSync;
import io.ailurus.bench.broker.Payload;
import io.ailurus.bench.broker.Sizes;
import io.ailurus.bench.broker.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The log cleaner's throughput: a compacted topic of one partition (small segments, {@code
 * min.cleanable.dirty.ratio=0.01}) is filled with keyed records, every key overwritten many times, while {@code
 * min.compaction.lag.ms} holds the cleaner off; then that lag is set to 0 and the clock runs until the cleaner has
 * logged its passes over the partition and gone quiet. The figure is the log bytes those passes went over per second
 * from the release to the last pass, so it includes the cleaner's wake-up (at most one backoff) and the config's way
 * to the partition. Only closed segments are cleaned: the active one stays as it is, on both brokers.
 */
final class CompactionRun {

    static final String TOPIC = "txn-bench-compacted";

    /** While the topic fills its records are too young to be cleaned (a day); the release sets this to 0. */
    private static final String HOLD_LAG_MS = Long.toString(TimeUnit.DAYS.toMillis(1));
    private static final Duration API_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MS = 20;

    private CompactionRun() {
    }

    static CleanerResult run(final BrokerUnderTest broker, final Admin admin, final TxnBenchOptions options)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        final BrokerBenchOptions brokerOptions = options.cleanerBrokerOptions();
        Topics.create(admin, broker.bootstrap(), TOPIC, 1, (short) 1, Map.of(
                "cleanup.policy", "compact",
                "segment.bytes", Long.toString(options.cleanerSegmentBytes()),
                "min.cleanable.dirty.ratio", "0.01",
                "min.compaction.lag.ms", HOLD_LAG_MS));
        final long produced = fill(broker, brokerOptions, options);
        final TopicPartition tp = new TopicPartition(TOPIC, 0);
        final long logEnd = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                .get(API_TIMEOUT.toSeconds(), TimeUnit.SECONDS).offset();
        final long sizeBefore = partitionSize(admin, tp);
        PageCacheSync.run(brokerOptions);

        final CleanerLog log = CleanerLog.fromEnd(broker.logFile(), broker.kind(), tp.toString());
        final long startMillis = System.currentTimeMillis();
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, TOPIC), List.of(
                new AlterConfigOp(new ConfigEntry("min.compaction.lag.ms", "0"), AlterConfigOp.OpType.SET))))
                .all().get(API_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        // Done when a pass was logged and then none for a while: the cleaner has looked again, several times, and
        // found nothing more to do.
        final long quietMs = Math.max(3_000, 3 * options.cleanerBackoffMs());
        final long deadline = startMillis + 120_000 + options.cleanerBytes() / (2 * Sizes.MIB / 1000);   // >= 2 MiB/s
        final List<CleanerLog.Pass> passes = new ArrayList<>();
        long lastSeen = -1;
        boolean quiet = false;
        while (System.currentTimeMillis() < deadline) {
            broker.checkAlive();
            final long now = System.currentTimeMillis();
            for (final CleanerLog.Pass p : log.poll()) {
                passes.add(p.epochMillis() > 0 ? p : new CleanerLog.Pass(now, p.cleanedUpTo(), p.bytesRead(),
                        p.bytesAfter(), p.recordsDropped()));
                lastSeen = now;
            }
            if (lastSeen > 0 && now - lastSeen >= quietMs) {
                quiet = true;
                break;
            }
            Thread.sleep(POLL_MS);
        }
        return new CleanerResult(produced * options.recordBytes(), produced, logEnd, sizeBefore,
                partitionSize(admin, tp), startMillis, List.copyOf(passes), quiet);
    }

    /** Keyed records, key i mod K, acks=all; returns how many. Fails if any was not acknowledged. */
    private static long fill(final BrokerUnderTest broker, final BrokerBenchOptions brokerOptions,
            final TxnBenchOptions options) {
        final byte[] value = Payload.random(options.recordBytes());
        final byte[][] keys = new byte[options.cleanerKeys()][];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = String.format("key-%08d", k).getBytes(StandardCharsets.US_ASCII);
        }
        final long records = Math.max(1, options.cleanerBytes() / value.length);
        final LongAdder errors = new LongAdder();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final Callback callback = (metadata, exception) -> {
            if (exception != null) {
                errors.increment();
                firstError.compareAndSet(null, exception.toString());
            }
        };
        final KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ClientConfigs.producer(broker.bootstrap(), "all", brokerOptions));
        final long t0 = System.nanoTime();
        try {
            for (long i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, keys[(int) (i % keys.length)], value), callback);
            }
            producer.flush();
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
        if (errors.sum() > 0) {
            throw new IllegalStateException(errors.sum() + " of " + records + " records into " + TOPIC
                    + " failed, first: " + firstError.get());
        }
        System.out.printf("     filled   %,d records over %,d keys in %.1f s%n", records, keys.length,
                (System.nanoTime() - t0) / 1e9);
        return records;
    }

    /** The partition's bytes on disk over every log directory, as DescribeLogDirs reports it; -1 if it does not. */
    private static long partitionSize(final Admin admin, final TopicPartition tp) throws InterruptedException {
        try {
            final Collection<Node> nodes = admin.describeCluster().nodes()
                    .get(API_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            final Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(
                    nodes.stream().map(Node::id).toList()).allDescriptions()
                    .get(API_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long size = -1;
            for (final Map<String, LogDirDescription> byDir : dirs.values()) {
                for (final LogDirDescription d : byDir.values()) {
                    final ReplicaInfo replica = d.replicaInfos().get(tp);
                    if (replica != null) {
                        size = Math.max(0, size) + replica.size();
                    }
                }
            }
            return size;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        }
    }
}
