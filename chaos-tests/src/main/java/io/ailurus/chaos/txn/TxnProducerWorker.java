package io.ailurus.chaos.txn;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.HistoryRecorder;
import io.ailurus.chaos.history.Op;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import io.ailurus.chaos.workload.ErrorClassifier;
import io.ailurus.chaos.workload.Pacer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * One transactional producer of Jepsen's txn workload: each op is a transaction of 1–4 sends of unique values to
 * random partitions of the txn topic, committed, or (one in {@link #ABORT_ONE_IN}) aborted on purpose once every send
 * is acknowledged, so that the aborted values are in the log and only the markers hide them.
 *
 * <p>Outcomes: a transaction is {@code fail} whenever the producer was never asked to commit it (an error before the
 * commit, or the planned abort): nothing can commit it then. The commit itself is {@code ok} when it returns, and
 * classified as any op otherwise ({@code ProducerFenced}: fail; a timeout: info). After any error the producer is
 * closed and a new one opened with the same transactional id: its {@code initTransactions} fences the old one and
 * ends whatever transaction it left open.
 */
final class TxnProducerWorker implements Runnable {

    /** The error of a transaction aborted on purpose. */
    static final String PLANNED_ABORT = "aborted on purpose";
    static final int ABORT_ONE_IN = 5;
    private static final int MAX_SENDS = 4;

    private final String bootstrap;
    private final String topic;
    private final int partitions;
    private final String transactionalId;
    private final HistoryRecorder history;
    private final AtomicInteger processes;
    private final AtomicLong values;
    private final Pacer pacer;
    private final Random random;
    private volatile boolean stopped;

    TxnProducerWorker(final String bootstrap, final String topic, final int partitions, final String transactionalId,
            final HistoryRecorder history, final AtomicInteger processes, final AtomicLong values, final double rate,
            final long seed) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partitions = partitions;
        this.transactionalId = transactionalId;
        this.history = history;
        this.processes = processes;
        this.values = values;
        this.pacer = new Pacer(rate);
        this.random = new Random(seed);
    }

    String transactionalId() {
        return transactionalId;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        KafkaProducer<String, String> producer = null;
        int process = -1;
        try {
            while (!stopped) {
                pacer.await();
                if (producer == null) {
                    process = processes.incrementAndGet();
                    producer = TxnClients.openProducer(bootstrap, transactionalId);
                    if (producer == null) {
                        Thread.sleep(1000);
                        continue;
                    }
                }
                if (!transact(producer, process)) {
                    producer.close(Duration.ZERO);
                    producer = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        }
    }

    /** One transaction as one op; false when the producer must be replaced. */
    private boolean transact(final KafkaProducer<String, String> producer, final int process)
            throws InterruptedException {
        final List<Read> planned = new ArrayList<>();
        final int sends = 1 + random.nextInt(MAX_SENDS);
        for (int i = 0; i < sends; i++) {
            planned.add(new Read(random.nextInt(partitions), -1, values.incrementAndGet()));
        }
        final boolean abort = random.nextInt(ABORT_ONE_IN) == 0;
        final Op inv = history.invoke(process, Fn.TXN, o -> o.withSends(planned));
        final List<Read> acked = new ArrayList<>();
        try {
            producer.beginTransaction();
            final List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (final Read s : planned) {
                futures.add(producer.send(new ProducerRecord<>(topic, s.partition(), null, Long.toString(s.value()))));
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);   // for all the sends
            for (int i = 0; i < planned.size(); i++) {
                final RecordMetadata md = futures.get(i).get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                acked.add(new Read(planned.get(i).partition(), md.offset(), planned.get(i).value()));
            }
        } catch (ExecutionException | RuntimeException | TimeoutException e) {
            // Never asked to commit: whatever becomes of the abort, this transaction cannot commit.
            history.complete(inv.withType(OpType.FAIL).withSends(withOffsets(planned, acked))
                    .withError("before the commit: " + describe(e)));
            return false;
        }
        if (abort) {
            try {
                producer.abortTransaction();
                history.complete(inv.withType(OpType.FAIL).withSends(acked).withError(PLANNED_ABORT));
                return true;
            } catch (RuntimeException e) {
                history.complete(inv.withType(OpType.FAIL).withSends(acked)
                        .withError(PLANNED_ABORT + ", abort failed: " + ErrorClassifier.describe(e)));
                return false;
            }
        }
        try {
            producer.commitTransaction();
            history.complete(inv.withType(OpType.OK).withSends(acked));
            return true;
        } catch (RuntimeException e) {
            history.complete(inv.withType(ErrorClassifier.classify(e)).withSends(acked)
                    .withError("commit: " + ErrorClassifier.describe(e)));
            return false;
        }
    }

    /** The planned sends, with the offsets of those acknowledged before an error. */
    static List<Read> withOffsets(final List<Read> planned, final List<Read> acked) {
        final List<Read> out = new ArrayList<>(acked);
        out.addAll(planned.subList(acked.size(), planned.size()));
        return out;
    }

    static String describe(final Exception e) {
        return e instanceof TimeoutException ? "no answer within 30 s" : ErrorClassifier.describe(e);
    }
}
