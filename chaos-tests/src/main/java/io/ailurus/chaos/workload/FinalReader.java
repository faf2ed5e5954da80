package io.ailurus.chaos.workload;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.HistoryRecorder;
import io.ailurus.chaos.history.Op;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The final phase: after every fault is healed and the workload stopped, a fresh consumer reads every partition from
 * its beginning up to the end offset the broker reports. Retried (with a new consumer) until it gets there or the
 * deadline passes; every step is recorded in the history like any other op.
 */
public final class FinalReader {

    /** Whether every partition was read to its end, and how far each got. */
    public record Outcome(boolean complete, Map<Integer, Long> endOffsets, Map<Integer, Long> reached, long tookMs) {
    }

    private FinalReader() {
    }

    public static Outcome read(final String bootstrap, final String topic, final int partitions,
            final HistoryRecorder history, final int process, final Duration limit) {
        final long start = System.nanoTime();
        final long deadline = start + limit.toNanos();
        final List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
        final Map<Integer, Long> reached = new HashMap<>();
        Map<Integer, Long> ends = Map.of();
        int attempt = 0;
        while (System.nanoTime() < deadline) {
            final int proc = process + attempt++;
            final Op assign = history.invoke(proc, Fn.ASSIGN, o -> o.withPartitions(IntStream.range(0, partitions).boxed().toList()));
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(ClientSettings.consumer(bootstrap, null))) {
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                history.complete(assign.withType(OpType.OK));
                reached.clear();
                final Op list = history.invoke(proc, Fn.LIST_OFFSETS);
                final Map<Integer, Long> e = new HashMap<>();
                try {
                    consumer.endOffsets(tps, Duration.ofSeconds(10)).forEach((tp, o) -> e.put(tp.partition(), o));
                    history.complete(list.withType(OpType.OK).withEndOffsets(e));
                } catch (RuntimeException ex) {
                    history.complete(list.withType(OpType.INFO).withError(ErrorClassifier.describe(ex)));
                    throw ex;
                }
                ends = e;
                while (System.nanoTime() < deadline && !done(ends, reached)) {
                    final Op poll = history.invoke(proc, Fn.POLL);
                    try {
                        final List<Read> reads = Reads.of(consumer.poll(Duration.ofSeconds(1)));
                        history.complete(poll.withType(OpType.OK).withReads(reads));
                        reads.forEach(r -> reached.merge(r.partition(), r.offset() + 1, Math::max));
                        // A partition whose end is below what was read... or empty: positions tell the truth.
                        for (final TopicPartition tp : tps) {
                            reached.merge(tp.partition(), consumer.position(tp, Duration.ofSeconds(5)), Math::max);
                        }
                    } catch (RuntimeException ex) {
                        history.complete(poll.withType(OpType.INFO).withError(ErrorClassifier.describe(ex)));
                        throw ex;
                    }
                }
                if (done(ends, reached)) {
                    return new Outcome(true, ends, Map.copyOf(reached), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            } catch (RuntimeException retry) {
                sleep();
            }
        }
        return new Outcome(false, ends, Map.copyOf(reached), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static boolean done(final Map<Integer, Long> ends, final Map<Integer, Long> reached) {
        return !ends.isEmpty() && ends.entrySet().stream().allMatch(e -> reached.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
