package io.ailurus.bench.tier;

import io.ailurus.bench.broker.BrokerBenchOptions;
import io.ailurus.bench.broker.ProduceResult;
import io.ailurus.bench.broker.Sizes;
import io.ailurus.bench.broker.ThroughputProducer;
import io.ailurus.bench.broker.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * The phases of a run, in order, against one broker and one S3 server: warm-up, produce with tiering on and off,
 * the read topics, the raw GET baseline, the reads (cold, warm, local), then a restart and the time-to-first-record
 * probes. Each phase adds its figures to the {@link TierResults}.
 */
final class TierRun {

    static final String WARMUP_TOPIC = "tier-warmup";
    static final String PRODUCE_TIERED = "produce-tiered";
    static final String PRODUCE_LOCAL = "produce-local";
    static final String READ_TIERED = "read-tiered";
    static final String READ_LOCAL = "read-local";

    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(10);
    private static final double PRODUCE_TOPIC_SECONDS = 600;

    private final TierBenchOptions options;
    private final S3Server s3;
    private final TieredBroker broker;
    private final S3Http http;
    private final TierResults results;
    private final BrokerBenchOptions producerOptions;
    private final Random random;

    TierRun(final TierBenchOptions options, final S3Server s3, final TieredBroker broker, final TierResults results) {
        this.options = options;
        this.s3 = s3;
        this.broker = broker;
        this.http = new S3Http(s3.endpoint(), s3.bucket());
        this.results = results;
        this.producerOptions = BrokerBenchOptions.parse(options.brokerBenchArgs());
        this.random = new Random(options.seed());
    }

    void run() throws Exception {
        warmUp();
        if (options.runs("produce")) {
            produceRounds();
        }
        if (options.runs("read") || options.runs("probe")) {
            prepareReadTopics();
        }
        if (options.runs("read")) {
            readWarmUp();
            rawGets();
            reads();
        }
        if (options.runs("probe")) {
            probes();
        }
    }

    // ------------------------------------------------------------------------------------------------- topics

    private long segmentBytes() {
        return options.segmentBytes();
    }

    /** Retention of the produce topics, per partition: bounds the disk and the bucket whatever the run's length. */
    private long produceRetentionBytes() {
        return Math.max(8 * segmentBytes(), 128 * Sizes.MIB);
    }

    /**
     * Tiered, with local.retention.bytes 0 (by default): the disk keeps only the active segment and what is not in the
     * bucket yet, so uploads and local deletes happen while the producer runs, however short the run.
     */
    private Map<String, String> produceTieredConfigs(final long localRetentionBytes) {
        final Map<String, String> c = new LinkedHashMap<>();
        c.put("remote.storage.enable", "true");
        c.put("segment.bytes", Long.toString(segmentBytes()));
        // -1 (keep all) must not exceed retention.bytes: keep locally as much as the bucket keeps instead.
        c.put("local.retention.bytes", Long.toString(localRetentionBytes < 0 ? produceRetentionBytes()
                : Math.min(localRetentionBytes, produceRetentionBytes())));
        c.put("retention.bytes", Long.toString(produceRetentionBytes()));
        return c;
    }

    private Map<String, String> produceLocalConfigs() {
        return Map.of("segment.bytes", Long.toString(segmentBytes()),
                "retention.bytes", Long.toString(produceRetentionBytes()));
    }

    private void createTopic(final String topic, final Map<String, String> configs) throws Exception {
        try (Admin admin = admin()) {
            Topics.create(admin, broker.bootstrap(), topic, options.partitions(), (short) 1, configs);
        }
        System.out.printf("  topic %s: %d partitions, %s%n", topic, options.partitions(), configs);
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    private List<PartitionOffsets> offsets(final String topic) throws Exception {
        try (Admin admin = admin()) {
            return PartitionOffsets.of(admin, topic, options.partitions());
        }
    }

    /**
     * Polls ListOffsets until every partition of {@code topic} satisfies {@code done}; returns the nanoseconds waited,
     * or -1 after {@code --drain-seconds}. Errors meanwhile (the bucket's manifest not loaded yet after a restart:
     * LEADER_NOT_AVAILABLE) count as not done.
     */
    private long await(final String topic, final Predicate<PartitionOffsets> done, final String what)
            throws InterruptedException {
        final long start = System.nanoTime();
        final long deadline = start + (long) (options.drainSeconds() * 1e9);
        List<PartitionOffsets> last = null;
        Exception error = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                broker.checkAlive();
                s3.checkAlive();
                try {
                    last = PartitionOffsets.of(admin, topic, options.partitions());
                    if (last.stream().allMatch(done)) {
                        return System.nanoTime() - start;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    error = e;
                }
                Thread.sleep(POLL.toMillis());
            }
        }
        final String problem = String.format("%s: %s not reached within %.0f s (last offsets %s, last error %s)", topic,
                what, options.drainSeconds(), last, error);
        System.out.println("  " + problem);
        results.problems.add(problem);
        return -1;
    }

    // ------------------------------------------------------------------------------------------------- produce

    private void warmUp() throws Exception {
        System.out.printf("%n--- warm-up: %.0f s of produce to a tiered topic, then reading it back ---%n",
                options.warmupSeconds());
        createTopic(WARMUP_TOPIC, produceTieredConfigs(0));
        if (options.warmupSeconds() > 0) {
            final ProduceResult r = ThroughputProducer.run(broker, producerOptions, "all", WARMUP_TOPIC, Long.MAX_VALUE,
                    options.warmupSeconds());
            System.out.println("  produce " + r);
            final Map<TopicPartition, Long> end = new HashMap<>();
            for (final PartitionOffsets o : offsets(WARMUP_TOPIC)) {
                end.put(o.tp(), o.end());
            }
            final ConsumeRun read = RangeConsumer.read(broker, s3.pid(), options, end,
                    Duration.ofSeconds((long) Math.max(10, 3 * options.warmupSeconds())));
            System.out.println("  consume " + read);
            noteOutOfRange("warm-up read of " + WARMUP_TOPIC + " (local and bucket, while uploads and local "
                    + "deletes run)", read);
            final long drained = await(WARMUP_TOPIC, PartitionOffsets::allTiered, "every record in the bucket");
            System.out.printf("  the bucket caught up %.1f s after the warm-up%n", drained / 1e9);
        }
    }

    private void produceRounds() throws Exception {
        System.out.printf("%n--- produce: %d round(s) of %.0f s per topic, acks=all, alternating ---%n",
                options.produceRounds(), options.produceSeconds());
        createTopic(PRODUCE_TIERED, produceTieredConfigs(options.produceLocalRetention()));
        createTopic(PRODUCE_LOCAL, produceLocalConfigs());
        for (int round = 1; round <= options.produceRounds(); round++) {
            final boolean tieredFirst = round % 2 == 1;
            for (final boolean tiered : tieredFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                final ProduceRun run = produce(round, tiered);
                results.produceRuns.add(run);
                System.out.printf("  round %d %s%n", round, run);
            }
        }
    }

    private ProduceRun produce(final int round, final boolean tiered) throws Exception {
        final String topic = tiered ? PRODUCE_TIERED : PRODUCE_LOCAL;
        Sync.run();
        final ThreadCpu[] threads = threads();
        final ProgressSampler progress = new ProgressSampler(broker.bootstrap(), topic, options.partitions());
        final CpuSample before = CpuSample.now(broker.pid(), s3.pid());
        final ProduceResult r;
        try {
            r = ThroughputProducer.run(broker, producerOptions, "all", topic, Long.MAX_VALUE,
                    options.produceSeconds());
        } finally {
            progress.close();
        }
        final CpuSample cpu = CpuSample.now(broker.pid(), s3.pid()).since(before);
        final long behind = tiered ? PartitionOffsets.notTiered(offsets(topic)) : 0;
        final long drain = tiered ? await(topic, PartitionOffsets::allTiered, "every record in the bucket") : 0;
        final CpuSample withDrain = tiered ? CpuSample.now(broker.pid(), s3.pid()).since(before) : cpu;
        System.out.println("    " + progress.timeline(options.recordBytes(), tiered));
        printThreads(threads);
        return new ProduceRun(round, tiered, r, cpu, behind * options.recordBytes(), drain, withDrain);
    }

    // ------------------------------------------------------------------------------------------------- reads

    private List<PartitionOffsets> readTiered;
    private List<PartitionOffsets> readLocal;
    private List<SegmentObject> readSegments;

    /** The two read topics, with the same records; the tiered one entirely in the bucket, nothing of it local. */
    private void prepareReadTopics() throws Exception {
        System.out.printf("%n--- read topics: %.0f MiB of record values each ---%n", Sizes.mib(options.topicBytes()));
        final Map<String, String> tiered = new LinkedHashMap<>();
        tiered.put("remote.storage.enable", "true");
        tiered.put("segment.bytes", Long.toString(segmentBytes()));
        tiered.put("local.retention.bytes", "0");
        createTopic(READ_TIERED, tiered);
        createTopic(READ_LOCAL, Map.of("segment.bytes", Long.toString(segmentBytes())));
        for (final String topic : List.of(READ_TIERED, READ_LOCAL)) {
            final ProduceResult r = ThroughputProducer.run(broker, producerOptions, "all", topic, options.topicBytes(),
                    PRODUCE_TOPIC_SECONDS);
            System.out.printf("  %s: %s%n", topic, r);
            if (r.errors() > 0) {
                results.problems.add(topic + ": " + r.errors() + " produce errors, first " + r.firstError());
            }
        }
        final long waited = await(READ_TIERED, PartitionOffsets::onlyInBucket,
                "every record in the bucket and none left locally");
        System.out.printf("  %s entirely in the bucket after %.1f s more%n", READ_TIERED, waited / 1e9);
        readTiered = offsets(READ_TIERED);
        readLocal = offsets(READ_LOCAL);
        readTiered.forEach(o -> System.out.println("    " + o));
        readSegments = SegmentObject.of(http, READ_TIERED);
        results.segmentBytes = readSegments.stream().mapToLong(SegmentObject::sizeBytes).sum();
        System.out.printf("  %d segment objects, %.1f MiB, in bucket %s under %s/%n", readSegments.size(),
                Sizes.mib(results.segmentBytes), s3.bucket(), READ_TIERED);
    }

    /** JIT and connection warm-up of both read paths, on another topic's bucket data: neither is measured. */
    private void readWarmUp() throws Exception {
        if (options.readWarmupSeconds() <= 0) {
            return;
        }
        System.out.printf("%n--- read warm-up: %.0f s from the bucket through the broker, then raw GETs (%s) ---%n",
                options.readWarmupSeconds(), WARMUP_TOPIC);
        final Map<TopicPartition, Long> end = new HashMap<>();
        for (final PartitionOffsets o : offsets(WARMUP_TOPIC)) {
            end.put(o.tp(), Math.min(o.tieredEnd(), o.localStart()));
        }
        System.out.println("  broker: " + RangeConsumer.read(broker, s3.pid(), options, end,
                Duration.ofMillis((long) (options.readWarmupSeconds() * 1000))));
        System.out.println("  raw:    " + RawGets.run(http, SegmentObject.of(http, WARMUP_TOPIC),
                options.chunkBytes(), options.rawConcurrency(), s3.pid(), Math.min(3, options.readWarmupSeconds())));
    }

    private void rawGets() throws Exception {
        System.out.printf("%n--- raw GETs of %s's segment objects ---%n", READ_TIERED);
        Sync.run();
        final ThreadCpu[] threads = threads();
        results.raw = RawGets.run(http, readSegments, options.chunkBytes(), options.rawConcurrency(), s3.pid(),
                READ_TIMEOUT.toSeconds());
        System.out.println("  " + results.raw);
        printThreads(threads);
        results.rawAlone = RawGets.alone(http, readSegments, options.chunkBytes(), options.probes(), random);
        System.out.printf("  %d GETs of one chunk, one at a time: p50 %.1f ms, p99 %.1f ms%n",
                results.rawAlone.getTotalCount(), results.rawAlone.getValueAtPercentile(50) / 1e3,
                results.rawAlone.getValueAtPercentile(99) / 1e3);
        if (results.raw.bytes() != results.segmentBytes) {
            results.problems.add("raw GETs read " + results.raw.bytes() + " of " + results.segmentBytes + " bytes");
        }
    }

    private void reads() throws Exception {
        final List<PartitionOffsets> now = offsets(READ_TIERED);
        if (!now.stream().allMatch(PartitionOffsets::onlyInBucket)) {
            results.problems.add(READ_TIERED + " is not entirely in the bucket: " + now);
        }
        final Map<TopicPartition, Long> tieredEnd = new HashMap<>();
        readTiered.forEach(o -> tieredEnd.put(o.tp(), o.tieredEnd()));
        final Map<TopicPartition, Long> localEnd = new HashMap<>();
        readLocal.forEach(o -> localEnd.put(o.tp(), o.end()));

        System.out.printf("%n--- consume %s from the bucket, cold cache (never read since its upload) ---%n",
                READ_TIERED);
        Sync.run();
        final ThreadCpu[] coldThreads = threads();
        results.cold = RangeConsumer.read(broker, s3.pid(), options, tieredEnd, READ_TIMEOUT);
        System.out.println("  " + results.cold);
        noteOutOfRange("cold read", results.cold);
        printThreads(coldThreads);
        results.valueBytes = results.cold.bytes();

        System.out.printf("%n--- consume %s from the bucket again, warm cache ---%n", READ_TIERED);
        Sync.run();
        final ThreadCpu[] warmThreads = threads();
        results.warm = RangeConsumer.read(broker, s3.pid(), options, tieredEnd, READ_TIMEOUT);
        System.out.println("  " + results.warm);
        noteOutOfRange("warm read", results.warm);
        printThreads(warmThreads);

        System.out.printf("%n--- consume %s from the local log ---%n", READ_LOCAL);
        Sync.run();
        final ThreadCpu[] localThreads = threads();
        results.local = RangeConsumer.read(broker, s3.pid(), options, localEnd, READ_TIMEOUT);
        System.out.println("  " + results.local);
        noteOutOfRange("local read", results.local);
        printThreads(localThreads);
    }

    // ------------------------------------------------------------------------------------------------- probes

    private void probes() throws Exception {
        System.out.printf("%n--- time to first record: broker restart (empty tier cache), then probes ---%n");
        final long t0 = System.nanoTime();
        broker.restart();
        System.out.printf("  broker restarted in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        final long expected = readTiered.stream().mapToLong(PartitionOffsets::tieredEnd).sum();
        final long ready = await(READ_TIERED, o -> o.tieredEnd() == readTiered.get(o.tp().partition()).tieredEnd(),
                "the bucket's manifest loaded (" + expected + " records)");
        System.out.printf("  the bucket's manifests loaded %.1f s after the restart%n", ready / 1e9);
        final int fetchBytes = FirstRecordProbes.maxPartitionFetchBytes(options);
        if (options.probeWarmup() > 0) {
            final List<FirstRecordProbes.Probe> warm = FirstRecordProbes.bucket(offsets(WARMUP_TOPIC),
                    options.probeWarmup(), random);
            System.out.println("  warm-up (" + WARMUP_TOPIC + ", unmeasured): "
                    + FirstRecordProbes.run(broker, options, warm));
        }
        final List<FirstRecordProbes.Probe> remote = FirstRecordProbes.remote(readSegments, readTiered,
                options.chunkBytes(), fetchBytes, options.probes(), random);
        if (remote.size() < options.probes()) {
            System.out.printf("  only %d offsets of %s are chunks apart: %d probes (raise --topic-mib for more)%n",
                    remote.size(), READ_TIERED, remote.size());
        }
        results.ttfrCold = FirstRecordProbes.run(broker, options, remote);
        System.out.println("  cold remote: " + results.ttfrCold);
        results.ttfrWarm = FirstRecordProbes.run(broker, options, remote);
        System.out.println("  warm remote: " + results.ttfrWarm);
        results.ttfrLocal = FirstRecordProbes.run(broker, options,
                FirstRecordProbes.local(readLocal, options.probes(), random));
        System.out.println("  local:       " + results.ttfrLocal);
    }

    /**
     * OFFSET_OUT_OF_RANGE for an offset the topic holds is a broker error, whichever phase sees it: it is listed with
     * the results, with where it happened (the figures stand: the read went on from the same offset).
     */
    private void noteOutOfRange(final String where, final ConsumeRun run) {
        if (run.outOfRange() > 0) {
            results.brokerErrors.add(String.format("%s: the broker answered OFFSET_OUT_OF_RANGE %d time(s) for offsets "
                    + "the topic holds (first: %s)", where, run.outOfRange(), run.firstOutOfRange()));
        }
    }

    /** With {@code --thread-cpu}: the broker's and the S3 server's threads now, else null. */
    private ThreadCpu[] threads() {
        return options.threadCpu() ? new ThreadCpu[] {ThreadCpu.of(broker.pid()), ThreadCpu.of(s3.pid())} : null;
    }

    /** With {@code --thread-cpu}: prints where each JVM's CPU went since {@code before}. */
    private void printThreads(final ThreadCpu[] before) {
        if (before == null) {
            return;
        }
        System.out.println("    broker " + ThreadCpu.of(broker.pid()).topSince(before[0], 12));
        System.out.println("    S3 server " + ThreadCpu.of(s3.pid()).topSince(before[1], 6));
    }

    /** sync(1) before a measured phase, so that the previous phase's writeback does not land in it. */
    static final class Sync {
        private Sync() {
        }

        static void run() throws InterruptedException {
            try {
                final Process p = new ProcessBuilder("sync").inheritIO().start();
                if (!p.waitFor(180, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (IOException e) {
                // no sync(1): phases may inherit writeback
            }
        }
    }
}
