package io.ailurus.bench.tier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Time to first record: a fresh consumer (no group) {@code assign}s one partition, {@code seek}s to an offset and polls
 * until the first record arrives. The clock starts just before {@code assign} and stops when {@code poll} returns the
 * record; the consumer has fetched the cluster's metadata before (bootstrap connection and Metadata are not timed),
 * so what is timed is one connection to the broker (loopback), the Fetch, and whatever the broker does to answer it.
 *
 * <p>Probe offsets in the bucket are chosen so that no probe touches a cache chunk another probe has touched, its
 * consumer's prefetch included (see {@link #remote}): every cold probe misses the cache.
 */
final class FirstRecordProbes {

    /** The remote segment index's interval (tier-s3's {@code SegmentIndex.DEFAULT_INTERVAL}): reads start at most this far before the offset. */
    static final int INDEX_INTERVAL = 64 * 1024;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);

    /** One probe: read {@code tp} from {@code offset}. */
    record Probe(TopicPartition tp, long offset) {
    }

    /** The probes' figures: time to first record (microseconds), probes that failed and the first failure. */
    record Result(Histogram micros, int failures, String firstFailure) {

        double p50Ms() {
            return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(50) / 1e3;
        }

        double p99Ms() {
            return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(99) / 1e3;
        }

        double maxMs() {
            return micros.getTotalCount() == 0 ? Double.NaN : micros.getMaxValue() / 1e3;
        }

        @Override
        public String toString() {
            return String.format("%d probes: p50 %.1f ms, p99 %.1f ms, max %.1f ms, mean %.1f ms%s",
                    micros.getTotalCount(), p50Ms(), p99Ms(), maxMs(), micros.getMean() / 1e3,
                    failures == 0 ? "" : ", " + failures + " FAILED, first: " + firstFailure);
        }
    }

    private FirstRecordProbes() {
    }

    static Result run(final TieredBroker broker, final TierBenchOptions options, final List<Probe> probes) {
        final Histogram micros = new Histogram(3);
        int failures = 0;
        String firstFailure = null;
        int n = 0;
        for (final Probe probe : probes) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                    ClientProps.consumer(broker.bootstrap(), "tier-bench-probe-" + n++, options))) {
                consumer.partitionsFor(probe.tp().topic());   // bootstrap connection and metadata: not timed
                final long start = System.nanoTime();
                consumer.assign(List.of(probe.tp()));
                consumer.seek(probe.tp(), probe.offset());
                final long deadline = start + PROBE_TIMEOUT.toNanos();
                ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
                while (records.isEmpty() && System.nanoTime() < deadline) {
                    records = consumer.poll(POLL);
                }
                final long nanos = System.nanoTime() - start;
                if (records.isEmpty()) {
                    throw new IllegalStateException("no record from " + probe + " within " + PROBE_TIMEOUT.toSeconds() + " s");
                }
                final long first = records.iterator().next().offset();
                if (first != probe.offset()) {
                    throw new IllegalStateException("the first record of " + probe + " has offset " + first);
                }
                micros.recordValue(Math.max(1, nanos / 1_000));
            } catch (RuntimeException e) {
                failures++;
                if (firstFailure == null) {
                    firstFailure = e.toString();
                }
            }
        }
        return new Result(micros, failures, firstFailure);
    }

    /**
     * Up to {@code count} offsets in the bucket (random, seeded), each in a stretch of segment bytes no other probe
     * reads. The broker reads a fetch's window from the index entry at or before the offset (at most
     * {@link #INDEX_INTERVAL} before it) to {@code INDEX_INTERVAL + max.partition.fetch.bytes} after that, in whole
     * cache chunks, and the consumer asks for the next window as soon as the first arrives. A probe's byte position
     * is drawn from [k·C + I + m, k·C + I + m + W] for chunk slot k (C the chunk size, I the index interval, m a margin
     * for the estimate of a record's position, W a window, M max.partition.fetch.bytes): its two windows start at or
     * after k·C and end before k·C + 3I + m + W + 2M, so the slots are 2 + (2I + m + W + 2M) / C chunks apart
     * (at least one more than they need while I ≤ C).
     */
    static List<Probe> remote(final List<SegmentObject> segments, final List<PartitionOffsets> offsets,
            final int chunkBytes, final int maxPartitionFetchBytes, final int count, final Random random) {
        final long margin = 32 * 1024;
        final long window = Math.max(16 * 1024, chunkBytes / 4);
        final long reach = 2L * INDEX_INTERVAL + margin + window + 2L * maxPartitionFetchBytes;
        final long stride = 2 + (reach - 1) / chunkBytes;
        final List<Probe> slots = new ArrayList<>();
        for (final SegmentObject s : segments) {
            final PartitionOffsets o = offsets.get(s.partition());
            if (s.lastOffset() >= o.tieredEnd() || s.records() <= 0) {
                continue;
            }
            final double bytesPerRecord = s.sizeBytes() / (double) s.records();
            for (long k = 0; (long) k * chunkBytes + INDEX_INTERVAL + margin + window + reach <= s.sizeBytes();
                    k += stride) {
                final long position = k * chunkBytes + INDEX_INTERVAL + margin
                        + (long) (random.nextDouble() * window);
                final long offset = Math.min(s.lastOffset(), s.baseOffset() + (long) (position / bytesPerRecord));
                slots.add(new Probe(o.tp(), offset));
            }
        }
        Collections.shuffle(slots, random);
        return List.copyOf(slots.subList(0, Math.min(count, slots.size())));
    }

    /** {@code count} random offsets of the local logs, partitions in turn. */
    static List<Probe> local(final List<PartitionOffsets> offsets, final int count, final Random random) {
        return random(offsets, count, random, PartitionOffsets::localStart, PartitionOffsets::end);
    }

    /**
     * {@code count} random offsets that only the bucket holds, partitions in turn, with no care for chunks: for
     * warm-ups (a topic with small segments, rolled by age, has too few chunk slots for {@link #remote}).
     */
    static List<Probe> bucket(final List<PartitionOffsets> offsets, final int count, final Random random) {
        return random(offsets, count, random, o -> 0L, o -> Math.min(o.tieredEnd(), o.localStart()));
    }

    private static List<Probe> random(final List<PartitionOffsets> offsets, final int count, final Random random,
            final java.util.function.ToLongFunction<PartitionOffsets> from,
            final java.util.function.ToLongFunction<PartitionOffsets> to) {
        final List<Probe> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final PartitionOffsets o = offsets.get(i % offsets.size());
            final long lo = from.applyAsLong(o);
            final long hi = to.applyAsLong(o);
            if (hi > lo) {
                out.add(new Probe(o.tp(), lo + (long) (random.nextDouble() * (hi - lo))));
            }
        }
        Collections.shuffle(out, random);
        return out;
    }

    /** The consumer's max.partition.fetch.bytes (kafka-clients' default unless --consumer-prop sets it). */
    static int maxPartitionFetchBytes(final TierBenchOptions options) {
        final String v = options.consumerProps().get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG);
        return v != null ? Integer.parseInt(v) : ConsumerConfig.DEFAULT_MAX_PARTITION_FETCH_BYTES;
    }
}
