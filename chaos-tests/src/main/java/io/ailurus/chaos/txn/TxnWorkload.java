package io.ailurus.chaos.txn;

import io.ailurus.chaos.checker.CheckResult;
import io.ailurus.chaos.checker.TxnHistory;
import io.ailurus.chaos.checker.Verdict;
import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.HistoryRecorder;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.report.TxnSummary;
import io.ailurus.chaos.workload.ErrorClassifier;
import io.ailurus.chaos.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Jepsen's transactional Kafka workload, run beside the queue workload in the same run and under the same faults:
 * {@link #PRODUCERS} transactional producers ({@link TxnProducerWorker}) write to {@code <topic>-txn}, and a
 * consume-transform-produce loop ({@link TxnTransformWorker}) copies what it reads there, read_committed, to
 * {@code <topic>-txn-out}, exactly once. At the end: the producers stop and are fenced, both isolation levels read
 * the txn topic, the loop drains (its group's committed offsets pass every record read_committed holds), stops and is
 * fenced, and both isolation levels read the output topic. The checks (A15–A18) read all of it from the history.
 */
public final class TxnWorkload {

    public static final int PRODUCERS = 3;
    /**
     * Transactions per second over all producers: light, beside the queue workload's sends, on two cores (each
     * transaction is a few Raft writes more than its sends: AddPartitionsToTxn, EndTxn, a marker per partition).
     */
    private static final double RATE = 4;
    private static final String GROUP = "chaos-txn-transform";
    /**
     * Process numbers apart from the queue workload's (from 1) and its final reader's (from 1 000 000), and telling
     * the worker: {@code 2 00i nnn} is the n-th incarnation of producer {@code chaos-txn-i}; the copy loop's are
     * {@code 2 00P nnn} with P = {@link #PRODUCERS}.
     */
    private static final int FIRST_PROCESS = 2_000_000;
    private static final int PROCESSES_PER_WORKER = 1_000;
    private static final int FINAL_READER_PROCESS = 3_000_000;
    private static final Duration FINAL_READ_LIMIT = Duration.ofSeconds(60);
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);
    private static final Duration FENCE_LIMIT = Duration.ofSeconds(20);

    private final String bootstrap;
    private final String topic;
    private final String output;
    private final int partitions;
    private final int replicationFactor;
    private final long seed;

    /** Topics {@code <baseTopic>-txn} and {@code <baseTopic>-txn-out}, as many partitions as the queue's. */
    public TxnWorkload(final String bootstrap, final String baseTopic, final int partitions,
            final int replicationFactor, final long seed) {
        this.bootstrap = bootstrap;
        this.topic = baseTopic + "-txn";
        this.output = baseTopic + "-txn-out";
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.seed = seed;
    }

    public String topic() {
        return topic;
    }

    public String output() {
        return output;
    }

    public void createTopics(final Duration limit) throws InterruptedException {
        for (final String name : List.of(topic, output)) {
            Workload.createTopic(bootstrap, new NewTopic(name, partitions, (short) replicationFactor), limit);
        }
    }

    public Running start(final HistoryRecorder history) {
        return new Running(history);
    }

    /** The final reads, whether the loop drained, and what went wrong running the workload. */
    public record Finish(List<TxnSummary.FinalRead> finalReads, boolean drained, List<String> problems) {
    }

    /** The running workers, until {@link #finish}. */
    public final class Running {
        private final List<TxnProducerWorker> producers = new ArrayList<>();
        private final List<Thread> producerThreads = new ArrayList<>();
        private final TxnTransformWorker transformer;
        private final Thread transformerThread;
        private final List<String> problems = new ArrayList<>();

        private Running(final HistoryRecorder history) {
            final AtomicLong values = new AtomicLong();
            for (int i = 0; i < PRODUCERS; i++) {
                final TxnProducerWorker w = new TxnProducerWorker(bootstrap, topic, partitions, "chaos-txn-" + i,
                        history, processesOf(i), values, RATE / PRODUCERS, seed + 1000 + i);
                producers.add(w);
                producerThreads.add(new Thread(w, "chaos-txn-producer-" + i));
            }
            transformer = new TxnTransformWorker(bootstrap, topic, output, GROUP, "chaos-txn-transform", history,
                    processesOf(PRODUCERS));
            transformerThread = new Thread(transformer, "chaos-txn-transform");
            producerThreads.forEach(Thread::start);
            transformerThread.start();
        }

        /** Stops the producers (each ends the transaction it is in first) and fences their transactional ids. */
        public void stopProducers() throws InterruptedException {
            producers.forEach(TxnProducerWorker::stop);
            for (final Thread t : producerThreads) {
                join(t);
            }
            for (final TxnProducerWorker w : producers) {
                fence(w.transactionalId());
            }
        }

        /**
         * After {@link #stopProducers}: final reads of the txn topic, the loop drained, stopped and fenced, final reads
         * of the output topic.
         */
        public Finish finish(final HistoryRecorder history) throws InterruptedException {
            final List<TxnSummary.FinalRead> reads = new ArrayList<>();
            final TxnSummary.FinalRead committed = TxnFinalReader.read(bootstrap, topic, partitions,
                    TxnFinalReader.READ_COMMITTED, Fn.TXN_READ_COMMITTED, history, FINAL_READER_PROCESS,
                    FINAL_READ_LIMIT, problems);
            reads.add(committed);
            reads.add(TxnFinalReader.read(bootstrap, topic, partitions, TxnFinalReader.READ_UNCOMMITTED,
                    Fn.TXN_READ_UNCOMMITTED, history, FINAL_READER_PROCESS + 100, FINAL_READ_LIMIT, problems));
            final boolean drained = awaitDrained(committed.lastRecords());
            transformer.stop();
            join(transformerThread);
            fence(transformer.transactionalId());
            reads.add(TxnFinalReader.read(bootstrap, output, partitions, TxnFinalReader.READ_COMMITTED,
                    Fn.TXN_OUT_READ_COMMITTED, history, FINAL_READER_PROCESS + 200, FINAL_READ_LIMIT, problems));
            reads.add(TxnFinalReader.read(bootstrap, output, partitions, TxnFinalReader.READ_UNCOMMITTED,
                    Fn.TXN_OUT_READ_UNCOMMITTED, history, FINAL_READER_PROCESS + 300, FINAL_READ_LIMIT, problems));
            return new Finish(reads, drained, problems);
        }

        /**
         * Waits until the loop's group has committed, on every partition, an offset past the last record the final
         * read_committed read got there (what it has not copied by then counts as lost, A17).
         */
        private boolean awaitDrained(final Map<Integer, Long> lastRecords) throws InterruptedException {
            final long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
            String state = "not measured";
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000"))) {
                while (System.nanoTime() < deadline) {
                    try {
                        final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                        final Map<Integer, Long> committed = new java.util.TreeMap<>();
                        offsets.forEach((tp, o) -> {
                            if (tp.topic().equals(topic) && o != null) {
                                committed.put(tp.partition(), o.offset());
                            }
                        });
                        if (lastRecords.entrySet().stream()
                                .allMatch(e -> committed.getOrDefault(e.getKey(), 0L) > e.getValue())) {
                            return true;
                        }
                        state = "group offsets " + committed + ", last records " + lastRecords;
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                             | RuntimeException e) {
                        state = ErrorClassifier.describe(e);
                    }
                    Thread.sleep(1000);
                }
            }
            problems.add("transform loop not drained within " + DRAIN_LIMIT.toSeconds() + " s: " + state);
            return false;
        }

        private void fence(final String transactionalId) throws InterruptedException {
            final String problem = TxnClients.fence(bootstrap, transactionalId, FENCE_LIMIT);
            if (problem != null) {
                problems.add(problem);
            }
        }

        private static void join(final Thread t) throws InterruptedException {
            t.join(TimeUnit.SECONDS.toMillis(40));
            if (t.isAlive()) {
                t.interrupt();
                t.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
    }

    /** The report's account of the workload, with the counts of its anomaly rows from the verdict. */
    public TxnSummary summary(final History history, final Verdict verdict, final Finish finish) {
        final long[] txns = new long[3];
        final long[] values = new long[3];
        int plannedAborts = 0;
        for (final History.Pair p : history.pairs(Fn.TXN)) {
            txns[slot(p.type())]++;
            values[slot(p.type())] += TxnHistory.sends(p).size();
            if (p.completion().error() != null && p.completion().error().startsWith(TxnProducerWorker.PLANNED_ABORT)) {
                plannedAborts++;
            }
        }
        final long[] copies = new long[3];
        long copied = 0;
        for (final History.Pair p : history.pairs(Fn.TXN_TRANSFORM)) {
            copies[slot(p.type())]++;
            copied += p.type() == OpType.OK ? p.completion().reads().size() : 0;
        }
        final Map<String, Integer> anomalies = new LinkedHashMap<>();
        for (final CheckResult r : verdict.results()) {
            if (TxnHistory.CODES.contains(r.code())) {
                anomalies.put(r.code() + " " + r.name(), r.anomalies().size());
            }
        }
        return new TxnSummary(topic, output, PRODUCERS, outcomes(txns), plannedAborts, outcomes(values),
                outcomes(copies), copied, finish.finalReads(), finish.drained(), anomalies, finish.problems());
    }

    private static AtomicInteger processesOf(final int worker) {
        return new AtomicInteger(FIRST_PROCESS + worker * PROCESSES_PER_WORKER);
    }

    private static int slot(final OpType t) {
        return t == OpType.OK ? 0 : t == OpType.FAIL ? 1 : 2;
    }

    private static TxnSummary.Outcomes outcomes(final long[] byType) {
        return new TxnSummary.Outcomes(byType[0], byType[1], byType[2]);
    }
}
