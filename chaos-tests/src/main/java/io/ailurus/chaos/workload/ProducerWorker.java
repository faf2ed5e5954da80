package io.ailurus.chaos.workload;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.HistoryRecorder;
import io.ailurus.chaos.history.Op;
import io.ailurus.chaos.history.OpType;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends unique values one at a time (each send is one op, so invoke/complete bracket exactly one record). After any
 * error the producer is thrown away and rebuilt as a new process, as Jepsen's client does: a new producer id, so the
 * per-producer order checks never mix two producers' sequences.
 */
final class ProducerWorker implements Runnable {

    private final String bootstrap;
    private final String topic;
    private final int partitions;
    private final boolean idempotent;
    private final HistoryRecorder history;
    private final AtomicInteger processes;
    private final AtomicLong values;
    private final Pacer pacer;
    private final Random random;
    private volatile boolean stopped;

    ProducerWorker(final String bootstrap, final String topic, final int partitions, final boolean idempotent,
            final HistoryRecorder history, final AtomicInteger processes, final AtomicLong values,
            final double rate, final long seed) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partitions = partitions;
        this.idempotent = idempotent;
        this.history = history;
        this.processes = processes;
        this.values = values;
        this.pacer = new Pacer(rate);
        this.random = new Random(seed);
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
                    producer = new KafkaProducer<>(ClientSettings.producer(bootstrap, idempotent));
                    process = processes.incrementAndGet();
                }
                final int p = random.nextInt(partitions);
                final long v = values.incrementAndGet();
                final Op inv = history.invoke(process, Fn.SEND, o -> o.withSend(p, v, -1));
                try {
                    final RecordMetadata md = producer.send(new ProducerRecord<>(topic, p, null, Long.toString(v)))
                            .get(30, TimeUnit.SECONDS);
                    history.complete(inv.withType(OpType.OK).withSend(p, v, md.offset()));
                } catch (ExecutionException | RuntimeException e) {
                    history.complete(inv.withType(ErrorClassifier.classify(e)).withError(ErrorClassifier.describe(e)));
                    producer.close(Duration.ZERO);
                    producer = null;
                } catch (TimeoutException e) {
                    history.complete(inv.withType(OpType.INFO).withError("no answer within 30 s"));
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
}
