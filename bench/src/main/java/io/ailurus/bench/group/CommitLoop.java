package io.ailurus.bench.group;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Offset-commit throughput: one consumer of a standalone group (assign(), no membership) calls commitSync() of one
 * partition's offset, one higher each time, back to back on one thread. An unmeasured warm-up runs first. Each call's
 * latency goes into an HdrHistogram; the rate is commits over the measured time.
 */
final class CommitLoop {

    private static final long MAX_NS = TimeUnit.SECONDS.toNanos(60);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param commits  successful commits in the measured time
     * @param nanos    the measured time
     * @param errors   commits that failed (the loop goes on after a failure)
     * @param latency  per commitSync() call, nanoseconds
     * @param firstError  the first failure, or null
     */
    record Result(long commits, long nanos, long errors, Histogram latency, String firstError) {

        double perSecond() {
            return nanos <= 0 ? Double.NaN : commits / (nanos / 1e9);
        }

        double percentileMillis(final double p) {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(p) / 1e6;
        }

        @Override
        public String toString() {
            return String.format("%,d commits in %.1f s = %,.0f commits/s; latency p50 %.3f ms, p99 %.3f ms, "
                            + "max %.3f ms%s", commits, nanos / 1e9, perSecond(), percentileMillis(50),
                    percentileMillis(99), latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1e6,
                    errors > 0 ? String.format("; %d errors, first: %s", errors, firstError) : "");
        }
    }

    private CommitLoop() {
    }

    static Result run(final String bootstrap, final String topic, final String groupId,
            final GroupBenchOptions options) {
        final TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ConsumerSettings.committer(bootstrap,
                groupId, options.consumerProps()))) {
            consumer.assign(List.of(tp));
            final long[] offset = {0};
            loop(consumer, tp, offset, (long) (options.commitWarmupSeconds() * 1e9), new Histogram(MAX_NS, 3));
            final Histogram latency = new Histogram(MAX_NS, 3);
            return loop(consumer, tp, offset, (long) (options.commitSeconds() * 1e9), latency);
        }
    }

    private static Result loop(final KafkaConsumer<byte[], byte[]> consumer, final TopicPartition tp,
            final long[] offset, final long durationNanos, final Histogram latency) {
        long commits = 0;
        long errors = 0;
        String firstError = null;
        final long start = System.nanoTime();
        final long end = start + durationNanos;
        long now = start;
        while (now < end) {
            final long t0 = System.nanoTime();
            try {
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(++offset[0])), COMMIT_TIMEOUT);
                now = System.nanoTime();
                latency.recordValue(Math.min(now - t0, MAX_NS));
                commits++;
            } catch (KafkaException e) {
                now = System.nanoTime();
                errors++;
                if (firstError == null) {
                    firstError = e.toString();
                }
            }
        }
        return new Result(commits, now - start, errors, latency, firstError);
    }
}
