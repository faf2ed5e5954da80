package io.ailurus.bench.broker;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Open-loop produce at a fixed rate: record i is due at start + i / rate, and the sender parks (never spins: on two
 * cores a spinning sender would take a core from the broker) until it is due, sending whatever has fallen due when
 * it wakes. Each record's latency is from just before its {@code send()} to its callback, recorded in an
 * HdrHistogram once the warm-up is over. If the broker cannot keep up, {@code send()} blocks and the achieved rate
 * drops below the asked one, which the result reports.
 */
public final class LatencyProducer {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private LatencyProducer() {
    }

    public static LatencyResult run(final BrokerUnderTest broker, final BrokerBenchOptions options, final String acks,
            final String topic) {
        final byte[] value = Payload.random(options.recordBytes());
        final double intervalNanos = 1e9 * value.length / options.latencyBytesPerSecond();
        // Written on the producer's I/O thread, or on the sender's when send() fails at once: synchronized.
        final Histogram micros = new SynchronizedHistogram(3);
        final LongAdder errors = new LongAdder();
        final KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ClientConfigs.producer(broker.clientBootstrap(), acks, options));
        try {
            producer.partitionsFor(topic);
            final long start = System.nanoTime();
            final long measureFrom = start + (long) (options.latencyWarmupSeconds() * 1e9);
            final long end = measureFrom + (long) (options.latencySeconds() * 1e9);
            CpuUsage cpuBefore = null;
            long measuredRecords = 0;
            long i = 0;
            while (true) {
                final long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                final long due = start + (long) (i * intervalNanos);
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                    continue;
                }
                final boolean measured = now >= measureFrom;
                if (measured) {
                    if (cpuBefore == null) {
                        cpuBefore = CpuUsage.now(broker.pid());
                    }
                    measuredRecords++;
                }
                final long sentAt = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, value), (metadata, exception) -> {
                    final long latency = System.nanoTime() - sentAt;
                    if (exception != null) {
                        errors.increment();
                    } else if (measured) {
                        micros.recordValue(Math.max(1, latency / 1000));
                    }
                });
                i++;
            }
            final CpuUsage cpu = cpuBefore == null ? new CpuUsage(-1, -1)
                    : CpuUsage.now(broker.pid()).since(cpuBefore);
            producer.flush();
            final long nanos = end - measureFrom;
            return new LatencyResult(micros, options.latencyBytesPerSecond(), measuredRecords,
                    measuredRecords * value.length, nanos, errors.sum(), cpu);
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }
}
