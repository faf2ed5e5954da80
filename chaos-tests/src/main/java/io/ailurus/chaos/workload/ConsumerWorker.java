package io.ailurus.chaos.workload;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.HistoryRecorder;
import io.ailurus.chaos.history.Op;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Polls in a loop, either with a manual assignment of every partition (strict order checks) or as a member of a
 * consumer group (subscribe: the group may move partitions, so skips are legal). Every poll is an op; under assign,
 * every tenth op is a ListOffsets(latest) for the offset-regression check. After an error the consumer is rebuilt as
 * a new process; under assign it resumes after the last offset it read, so nothing is read twice on purpose.
 *
 * <p>A replay consumer (assign mode with {@code rewindEvery}) goes back to the beginning of every partition every
 * {@code rewindEvery}, recorded as an ASSIGN op (Jepsen's assign with seek-to-beginning, a reset point for the order
 * checks): on a tiered topic, its reads below the local log start are served from the bucket.
 */
final class ConsumerWorker implements Runnable {

    private static final Duration POLL = Duration.ofMillis(500);

    private final String bootstrap;
    private final String topic;
    private final int partitions;
    private final String groupId;
    private final HistoryRecorder history;
    private final AtomicInteger processes;
    private final Duration rewindEvery;
    private final Map<Integer, Long> nextOffsets = new HashMap<>();
    private final Set<Integer> rebalanced = new TreeSet<>();
    private volatile boolean stopped;

    /** {@code groupId} null: assign mode; {@code rewindEvery} null: never rewinds (only with assign). */
    ConsumerWorker(final String bootstrap, final String topic, final int partitions, final String groupId,
            final HistoryRecorder history, final AtomicInteger processes, final Duration rewindEvery) {
        if (rewindEvery != null && groupId != null) {
            throw new IllegalArgumentException("only an assigned consumer rewinds");
        }
        this.rewindEvery = rewindEvery;
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partitions = partitions;
        this.groupId = groupId;
        this.history = history;
        this.processes = processes;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        KafkaConsumer<String, String> consumer = null;
        int process = -1;
        long polls = 0;
        long nextRewindNs = rewindEvery == null ? Long.MAX_VALUE : System.nanoTime() + rewindEvery.toNanos();
        try {
            while (!stopped) {
                if (consumer != null && System.nanoTime() >= nextRewindNs) {
                    nextRewindNs = System.nanoTime() + rewindEvery.toNanos();
                    if (!rewind(consumer, process)) {
                        consumer.close(Duration.ZERO);
                        consumer = null;
                        continue;
                    }
                }
                if (consumer == null) {
                    process = processes.incrementAndGet();
                    consumer = open(process);
                    if (consumer == null) {
                        Thread.sleep(1000);
                        continue;
                    }
                }
                final boolean listOffsets = groupId == null && ++polls % 10 == 0;
                final Op inv = history.invoke(process, listOffsets ? Fn.LIST_OFFSETS : Fn.POLL);
                try {
                    if (listOffsets) {
                        final Map<Integer, Long> ends = new HashMap<>();
                        consumer.endOffsets(topicPartitions(), Duration.ofSeconds(5))
                                .forEach((tp, o) -> ends.put(tp.partition(), o));
                        history.complete(inv.withType(OpType.OK).withEndOffsets(ends));
                        continue;
                    }
                    rebalanced.clear();
                    final ConsumerRecords<String, String> records = consumer.poll(POLL);
                    final List<Read> reads = Reads.of(records);
                    history.complete(inv.withType(OpType.OK).withReads(reads).withPartitions(List.copyOf(rebalanced)));
                    reads.forEach(r -> nextOffsets.put(r.partition(), r.offset() + 1));
                    if (groupId != null && !reads.isEmpty()) {
                        commitQuietly(consumer);
                    }
                } catch (RuntimeException e) {
                    history.complete(inv.withType(OpType.INFO).withError(ErrorClassifier.describe(e))
                            .withPartitions(List.copyOf(rebalanced)));
                    consumer.close(Duration.ZERO);
                    consumer = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(2));
            }
        }
    }

    /** Seeks every partition to its beginning, as an ASSIGN op; false when the consumer failed. */
    private boolean rewind(final KafkaConsumer<String, String> consumer, final int process) {
        final List<Integer> ps = IntStream.range(0, partitions).boxed().toList();
        final Op inv = history.invoke(process, Fn.ASSIGN, o -> o.withPartitions(ps));
        try {
            consumer.seekToBeginning(topicPartitions());
            nextOffsets.clear();
            history.complete(inv.withType(OpType.OK));
            return true;
        } catch (RuntimeException e) {
            history.complete(inv.withType(OpType.INFO).withError(ErrorClassifier.describe(e)));
            nextOffsets.clear();
            return false;
        }
    }

    private KafkaConsumer<String, String> open(final int process) {
        final Fn f = groupId == null ? Fn.ASSIGN : Fn.SUBSCRIBE;
        final List<Integer> ps = IntStream.range(0, partitions).boxed().toList();
        final Op inv = history.invoke(process, f, o -> o.withPartitions(ps));
        KafkaConsumer<String, String> consumer = null;
        try {
            consumer = new KafkaConsumer<>(ClientSettings.consumer(bootstrap, groupId));
            if (groupId == null) {
                consumer.assign(topicPartitions());
                for (final TopicPartition tp : topicPartitions()) {
                    final Long next = nextOffsets.get(tp.partition());
                    if (next == null) {
                        consumer.seekToBeginning(List.of(tp));
                    } else {
                        consumer.seek(tp, next);
                    }
                }
            } else {
                consumer.subscribe(List.of(topic), new Listener());
            }
            history.complete(inv.withType(OpType.OK));
            return consumer;
        } catch (RuntimeException e) {
            history.complete(inv.withType(OpType.INFO).withError(ErrorClassifier.describe(e)));
            if (consumer != null) {
                consumer.close(Duration.ZERO);
            }
            return null;
        }
    }

    private List<TopicPartition> topicPartitions() {
        return IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    private static void commitQuietly(final KafkaConsumer<String, String> consumer) {
        try {
            consumer.commitSync(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            // A failed commit only means the group may hand these records out again: legal under subscribe.
        }
    }

    /** Notes the partitions whose ownership changed during a poll: the poll-order checks skip them. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> ps) {
            ps.forEach(tp -> rebalanced.add(tp.partition()));
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> ps) {
            ps.forEach(tp -> rebalanced.add(tp.partition()));
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> ps) {
            ps.forEach(tp -> rebalanced.add(tp.partition()));
        }
    }
}
