package io.ailurus.chaos.txn;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.HistoryRecorder;
import io.ailurus.chaos.history.Op;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import io.ailurus.chaos.report.TxnSummary;
import io.ailurus.chaos.workload.ErrorClassifier;
import io.ailurus.chaos.workload.Reads;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A final read of one of the transactional workload's topics at one isolation level, from the beginning of every
 * partition to its end as that isolation level sees it (the last stable offset for read_committed). Each poll is one
 * op of the given {@link Fn}; nothing else goes into the history (its ListOffsets are of other topics than the queue
 * workload's, whose checks read LIST_OFFSETS ops). A read_committed read first waits, a bounded time, for every
 * partition's last stable offset to reach its high watermark: with no transaction open, read_committed must see every
 * committed value.
 */
final class TxnFinalReader {

    static final String READ_COMMITTED = "read_committed";
    static final String READ_UNCOMMITTED = "read_uncommitted";
    private static final Duration STABLE_WAIT = Duration.ofSeconds(30);

    private TxnFinalReader() {
    }

    static TxnSummary.FinalRead read(final String bootstrap, final String topic, final int partitions,
            final String isolation, final Fn fn, final HistoryRecorder history, final int process,
            final Duration limit, final List<String> problems) throws InterruptedException {
        final long start = System.nanoTime();
        final long deadline = start + limit.toNanos();
        final List<TopicPartition> tps = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        if (READ_COMMITTED.equals(isolation)) {
            awaitStable(bootstrap, tps, Math.min(deadline, start + STABLE_WAIT.toNanos()), problems);
        }
        final Map<Integer, Long> reached = new HashMap<>();
        final Map<Integer, Long> lastRecords = new TreeMap<>();
        Map<Integer, Long> ends = Map.of();
        long records = 0;
        String last = "";
        int attempt = 0;
        while (System.nanoTime() < deadline) {
            final int proc = process + attempt++;
            reached.clear();
            records = 0;
            try (KafkaConsumer<String, String> consumer = TxnClients.consumer(bootstrap, null, isolation)) {
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                final Map<Integer, Long> e = new TreeMap<>();
                consumer.endOffsets(tps, Duration.ofSeconds(10)).forEach((tp, o) -> e.put(tp.partition(), o));
                ends = e;
                while (System.nanoTime() < deadline && !done(ends, reached)) {
                    final Op poll = history.invoke(proc, fn);
                    try {
                        final List<Read> reads = Reads.of(consumer.poll(Duration.ofSeconds(1)));
                        history.complete(poll.withType(OpType.OK).withReads(reads));
                        records += reads.size();
                        reads.forEach(r -> lastRecords.merge(r.partition(), r.offset(), Math::max));
                        for (final TopicPartition tp : tps) {
                            reached.merge(tp.partition(), consumer.position(tp, Duration.ofSeconds(5)), Math::max);
                        }
                    } catch (RuntimeException ex) {
                        history.complete(poll.withType(OpType.INFO).withError(ErrorClassifier.describe(ex)));
                        throw ex;
                    }
                }
                if (done(ends, reached)) {
                    return new TxnSummary.FinalRead(topic, isolation, true, records, ends, lastRecords,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            } catch (RuntimeException retry) {
                last = ErrorClassifier.describe(retry);
                Thread.sleep(1000);
            }
        }
        problems.add(topic + " (" + isolation + ") not read to its end within " + limit.toSeconds() + " s: ends "
                + ends + ", reached " + new TreeMap<>(reached) + (last.isEmpty() ? "" : ", last error " + last));
        return new TxnSummary.FinalRead(topic, isolation, false, records, ends, lastRecords,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Waits until no partition has a transaction open (last stable offset = high watermark), or {@code untilNs}. */
    private static void awaitStable(final String bootstrap, final List<TopicPartition> tps, final long untilNs,
            final List<String> problems) throws InterruptedException {
        String state = "not measured";
        while (System.nanoTime() < untilNs) {
            try (KafkaConsumer<String, String> committed = TxnClients.consumer(bootstrap, null, READ_COMMITTED);
                 KafkaConsumer<String, String> uncommitted = TxnClients.consumer(bootstrap, null, READ_UNCOMMITTED)) {
                final Map<TopicPartition, Long> stable = committed.endOffsets(tps, Duration.ofSeconds(10));
                final Map<TopicPartition, Long> high = uncommitted.endOffsets(tps, Duration.ofSeconds(10));
                if (stable.equals(high)) {
                    return;
                }
                state = "last stable offsets " + byPartition(stable) + " below high watermarks " + byPartition(high);
            } catch (RuntimeException e) {
                state = ErrorClassifier.describe(e);
            }
            Thread.sleep(1000);
        }
        problems.add(tps.get(0).topic() + ": a transaction still open after " + STABLE_WAIT.toSeconds()
                + " s (transaction timeout 15 s): " + state);
    }

    private static Map<Integer, Long> byPartition(final Map<TopicPartition, Long> offsets) {
        final Map<Integer, Long> out = new TreeMap<>();
        offsets.forEach((tp, o) -> out.put(tp.partition(), o));
        return out;
    }

    private static boolean done(final Map<Integer, Long> ends, final Map<Integer, Long> reached) {
        return !ends.isEmpty()
                && ends.entrySet().stream().allMatch(e -> reached.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }
}
