package io.ailurus.chaos.txn;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.HistoryRecorder;
import io.ailurus.chaos.history.Op;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import io.ailurus.chaos.workload.ErrorClassifier;
import io.ailurus.chaos.workload.Reads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The consume-transform-produce loop (exactly once): a read_committed consumer in a group reads the txn topic, and
 * each poll's records are copied (identity, same partition) to the output topic in one transaction that also commits
 * the consumer's offsets ({@code sendOffsetsToTransaction} with the consumer's group metadata, so a zombie of an older
 * generation is fenced by the group). Each non-empty poll is one {@link Fn#TXN_TRANSFORM} op, invoked with its reads
 * once the poll returned (so they are in the history whatever happens next), completed with the copy's outcome as in
 * {@link TxnProducerWorker}. After any error the consumer and the producer are both replaced: the new consumer resumes
 * at the group's committed offsets, and the new producer (same transactional id) fences the old one.
 */
final class TxnTransformWorker implements Runnable {

    private static final Duration POLL = Duration.ofMillis(500);

    private final String bootstrap;
    private final String input;
    private final String output;
    private final String groupId;
    private final String transactionalId;
    private final HistoryRecorder history;
    private final AtomicInteger processes;
    private volatile boolean stopped;

    TxnTransformWorker(final String bootstrap, final String input, final String output, final String groupId,
            final String transactionalId, final HistoryRecorder history, final AtomicInteger processes) {
        this.bootstrap = bootstrap;
        this.input = input;
        this.output = output;
        this.groupId = groupId;
        this.transactionalId = transactionalId;
        this.history = history;
        this.processes = processes;
    }

    String transactionalId() {
        return transactionalId;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        KafkaConsumer<String, String> consumer = null;
        KafkaProducer<String, String> producer = null;
        int process = -1;
        try {
            while (!stopped) {
                if (consumer == null) {
                    process = processes.incrementAndGet();
                    producer = TxnClients.openProducer(bootstrap, transactionalId);
                    if (producer == null) {
                        Thread.sleep(1000);
                        continue;
                    }
                    try {
                        consumer = TxnClients.copyLoopConsumer(bootstrap, groupId);
                        consumer.subscribe(List.of(input));
                    } catch (RuntimeException e) {
                        producer.close(Duration.ZERO);
                        producer = null;
                        consumer = null;
                        Thread.sleep(1000);
                        continue;
                    }
                }
                if (!copyOnePoll(consumer, producer, process)) {
                    // Closed with a little time: a consumer that leaves its group spares the next one a rebalance
                    // that waits for the old member's session to expire.
                    consumer.close(Duration.ofSeconds(2));
                    producer.close(Duration.ZERO);
                    consumer = null;
                    producer = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(2));
            }
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        }
    }

    /** One poll and, when it returned records, their copy as one transaction; false when the clients must go. */
    private boolean copyOnePoll(final KafkaConsumer<String, String> consumer,
            final KafkaProducer<String, String> producer, final int process) throws InterruptedException {
        final ConsumerRecords<String, String> records;
        try {
            records = consumer.poll(POLL);
        } catch (RuntimeException e) {
            return false;   // nothing written: no op
        }
        if (records.isEmpty()) {
            return true;
        }
        final List<Read> reads = Reads.of(records);
        final Op inv = history.invoke(process, Fn.TXN_TRANSFORM, o -> o.withReads(reads));
        try {
            producer.beginTransaction();
            final List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (final ConsumerRecord<String, String> r : records) {
                futures.add(producer.send(new ProducerRecord<>(output, r.partition(), null, r.value())));
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);   // for all the sends
            for (final Future<RecordMetadata> f : futures) {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
        } catch (ExecutionException | RuntimeException | TimeoutException e) {
            // Never asked to commit: neither the copies nor the offsets can commit.
            history.complete(inv.withType(OpType.FAIL).withError("before the commit: "
                    + TxnProducerWorker.describe(e)));
            return false;
        }
        try {
            producer.commitTransaction();
            history.complete(inv.withType(OpType.OK));
            return true;
        } catch (RuntimeException e) {
            history.complete(inv.withType(ErrorClassifier.classify(e))
                    .withError("commit: " + ErrorClassifier.describe(e)));
            return false;
        }
    }

    /** Per partition, the offset after the last record read: where the group resumes. */
    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(final ConsumerRecords<String, String> records) {
        final Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (final TopicPartition tp : records.partitions()) {
            final List<ConsumerRecord<String, String>> rs = records.records(tp);
            next.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
        }
        return next;
    }
}
