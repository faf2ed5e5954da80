package io.ailurus.bench.broker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Closed-loop produce: one thread sends records as fast as the producer takes them ({@code send()} blocks when its
 * buffer is full) until the byte budget or the time budget is spent, then waits for every acknowledgement. Like
 * Kafka's ProducerPerformance with an unlimited rate.
 */
public final class ThroughputProducer {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private ThroughputProducer() {
    }

    public static ProduceResult run(final BrokerUnderTest broker, final BrokerBenchOptions options, final String acks,
            final String topic, final long maxBytes, final double maxSeconds) {
        final byte[] value = Payload.random(options.recordBytes());
        final long maxRecords = Math.max(1, maxBytes / value.length);
        final LongAdder acked = new LongAdder();
        final LongAdder errors = new LongAdder();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final Callback callback = (metadata, exception) -> {
            if (exception == null) {
                acked.increment();
            } else {
                errors.increment();
                firstError.compareAndSet(null, exception.toString());
            }
        };
        final KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ClientConfigs.producer(broker.clientBootstrap(), acks, options));
        try {
            producer.partitionsFor(topic); // metadata before the clock starts
            final CpuUsage cpuBefore = CpuUsage.now(broker.pid());
            final long start = System.nanoTime();
            final long deadline = start + (long) (maxSeconds * 1e9);
            long sent = 0;
            while (sent < maxRecords && System.nanoTime() < deadline) {
                producer.send(new ProducerRecord<>(topic, value), callback);
                sent++;
            }
            // Bounded: every record completes (acknowledged or failed) within delivery.timeout.ms (2 min by default).
            producer.flush();
            final long nanos = System.nanoTime() - start;
            final CpuUsage cpu = CpuUsage.now(broker.pid()).since(cpuBefore);
            return new ProduceResult(acked.sum(), acked.sum() * value.length, nanos, errors.sum(), firstError.get(),
                    cpu);
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }
}
