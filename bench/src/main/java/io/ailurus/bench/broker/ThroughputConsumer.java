package io.ailurus.bench.broker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic from the beginning of every partition to the end offsets it had when the phase started: assign +
 * seekToBeginning, no consumer group. One thread polls; the figure is bytes of record values over the time from the
 * first poll until the last record arrived.
 *
 * <p>The phase ends when the consumer's position has reached every end offset, not when a record count is reached:
 * in a transactional topic the commit markers take offsets that no consumer ever sees, and with
 * {@code isolation.level=read_committed} (a {@code --consumer-prop}) the end offsets are the last stable offsets.
 */
public final class ThroughputConsumer {

    private static final Duration API_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private ThroughputConsumer() {
    }

    public static ConsumeResult run(final BrokerUnderTest broker, final BrokerBenchOptions options, final String topic,
            final int partitions, final Duration timeout) {
        final List<TopicPartition> tps = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(ClientConfigs.consumer(broker.clientBootstrap(), options))) {
            consumer.assign(tps);
            final Map<TopicPartition, Long> end = consumer.endOffsets(tps, API_TIMEOUT);
            consumer.seekToBeginning(tps);
            final CpuUsage cpuBefore = CpuUsage.now(broker.pid());
            final long start = System.nanoTime();
            final long deadline = start + timeout.toNanos();
            long records = 0;
            long bytes = 0;
            long last = start;
            boolean complete = false;
            while (!(complete = reachedEnd(consumer, end)) && System.nanoTime() < deadline) {
                final ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
                if (!batch.isEmpty()) {
                    for (final ConsumerRecord<byte[], byte[]> r : batch) {
                        bytes += r.serializedValueSize();
                    }
                    records += batch.count();
                    last = System.nanoTime();
                }
            }
            final CpuUsage cpu = CpuUsage.now(broker.pid()).since(cpuBefore);
            return new ConsumeResult(records, bytes, last - start, complete, cpu);
        }
    }

    /** Whether the next fetch of every partition would start at or past its end offset. */
    private static boolean reachedEnd(final KafkaConsumer<byte[], byte[]> consumer,
            final Map<TopicPartition, Long> end) {
        for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), API_TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
