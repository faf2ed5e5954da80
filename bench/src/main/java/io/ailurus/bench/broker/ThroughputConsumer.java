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
 */
final class ThroughputConsumer {

    private static final Duration API_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private ThroughputConsumer() {
    }

    static ConsumeResult run(final BrokerUnderTest broker, final BrokerBenchOptions options, final String topic,
            final int partitions, final Duration timeout) {
        final List<TopicPartition> tps = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(ClientConfigs.consumer(broker.bootstrap(), options))) {
            consumer.assign(tps);
            final Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, API_TIMEOUT);
            final Map<TopicPartition, Long> end = consumer.endOffsets(tps, API_TIMEOUT);
            long target = 0;
            for (final TopicPartition tp : tps) {
                target += end.get(tp) - begin.get(tp);
            }
            consumer.seekToBeginning(tps);
            final CpuUsage cpuBefore = CpuUsage.now(broker.pid());
            final long start = System.nanoTime();
            final long deadline = start + timeout.toNanos();
            long records = 0;
            long bytes = 0;
            long last = start;
            while (records < target && System.nanoTime() < deadline) {
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
            return new ConsumeResult(records, bytes, last - start, records >= target, cpu);
        }
    }
}
