package io.ailurus.bench.txn;

import io.ailurus.bench.broker.BrokerBenchOptions;
import io.ailurus.bench.broker.BrokerUnderTest;
import io.ailurus.bench.broker.ClientConfigs;
import io.ailurus.bench.broker.CpuUsage;
import io.ailurus.bench.broker.Payload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Closed-loop transactional produce: {@code producers} threads, each with a KafkaProducer of its own transactional.id,
 * run transactions back to back ({@code beginTransaction}, {@code transactionRecords} sends, {@code
 * commitTransaction}) until the time budget is spent; a transaction begun before the deadline is finished. acks=all,
 * as transactions require; the other producer settings are BrokerBench's (kafka-clients' defaults). Records have no
 * key, so the sticky partitioner spreads a transaction over several partitions, each added to it on the way.
 *
 * <p>Only committed transactions count. One that fails is aborted and counted apart; a producer that cannot abort
 * (fenced, or the coordinator lost) stops, and its first error is reported.
 */
final class TransactionalProducers {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** Beyond the deadline: the last transaction's commit, bounded by the producer's own timeouts (2 min). */
    private static final long JOIN_GRACE_MS = 180_000;

    private TransactionalProducers() {
    }

    static TxnProduceResult run(final BrokerUnderTest broker, final BrokerBenchOptions options, final String topic,
            final int producers, final int transactionRecords, final double seconds, final String transactionalIdPrefix)
            throws InterruptedException {
        final byte[] value = Payload.random(options.recordBytes());
        final AtomicLong committed = new AtomicLong();
        final AtomicLong aborted = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final CountDownLatch ready = new CountDownLatch(producers);
        final CountDownLatch go = new CountDownLatch(1);
        final long[] deadline = new long[1];
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < producers; i++) {
            final String transactionalId = transactionalIdPrefix + "-" + i;
            final Thread t = new Thread(() -> {
                KafkaProducer<byte[], byte[]> producer = null;
                try {
                    try {
                        producer = new KafkaProducer<>(config(broker, options, transactionalId));
                        // Coordinator lookup, producer id and metadata before the clock starts.
                        producer.initTransactions();
                        producer.partitionsFor(topic);
                    } finally {
                        ready.countDown();
                    }
                    go.await();
                    produce(producer, topic, value, transactionRecords, deadline[0], committed, aborted, firstError);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    firstError.compareAndSet(null, transactionalId + ": " + e);
                } finally {
                    if (producer != null) {
                        producer.close(CLOSE_TIMEOUT);
                    }
                }
            }, "txn-bench-" + transactionalId);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        if (!ready.await(2, TimeUnit.MINUTES)) {
            firstError.compareAndSet(null, "producers not initialised within 2 min");
        }
        final CpuUsage cpuBefore = CpuUsage.now(broker.pid());
        final long start = System.nanoTime();
        deadline[0] = start + (long) (seconds * 1e9);
        go.countDown();   // a happens-before edge: the threads see deadline[0]
        final long joinBy = System.currentTimeMillis() + (long) (seconds * 1000) + JOIN_GRACE_MS;
        for (final Thread t : threads) {
            t.join(Math.max(1, joinBy - System.currentTimeMillis()));
            if (t.isAlive()) {
                firstError.compareAndSet(null, t.getName() + " still running " + JOIN_GRACE_MS / 1000
                        + " s after the deadline");
                t.interrupt();
            }
        }
        final long nanos = System.nanoTime() - start;
        final CpuUsage cpu = CpuUsage.now(broker.pid()).since(cpuBefore);
        final long records = committed.get() * transactionRecords;
        return new TxnProduceResult(producers, committed.get(), records, records * value.length, nanos, aborted.get(),
                firstError.get(), cpu);
    }

    private static void produce(final KafkaProducer<byte[], byte[]> producer, final String topic, final byte[] value,
            final int transactionRecords, final long deadline, final AtomicLong committed, final AtomicLong aborted,
            final AtomicReference<String> firstError) {
        while (System.nanoTime() < deadline) {
            try {
                producer.beginTransaction();
                for (int i = 0; i < transactionRecords; i++) {
                    producer.send(new ProducerRecord<>(topic, value));
                }
                // Flushes the sends and fails if any of them did.
                producer.commitTransaction();
                committed.incrementAndGet();
            } catch (KafkaException e) {
                firstError.compareAndSet(null, e.toString());
                try {
                    producer.abortTransaction();
                    aborted.incrementAndGet();
                } catch (KafkaException fatal) {
                    return;   // fenced or in a fatal state: this producer can do no more
                }
            }
        }
    }

    private static Map<String, Object> config(final BrokerUnderTest broker, final BrokerBenchOptions options,
            final String transactionalId) {
        final Map<String, Object> props = ClientConfigs.producer(broker.bootstrap(), "all", options);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return props;
    }
}
