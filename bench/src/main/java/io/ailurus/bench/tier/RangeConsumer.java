package io.ailurus.bench.tier;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every partition of a topic from its beginning up to a given end offset (exclusive) with one kafka-clients consumer
 * without a group ({@code assign} + {@code seek}), as BrokerBench's consume phase does. The figure is bytes of record
 * values over the time from the first poll until the last wanted record arrived.
 */
final class RangeConsumer {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration API_TIMEOUT = Duration.ofSeconds(30);

    private RangeConsumer() {
    }

    static ConsumeRun read(final TieredBroker broker, final long s3Pid, final TierBenchOptions options,
            final Map<TopicPartition, Long> end, final Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(ClientProps.consumer(broker.bootstrap(), "tier-bench-consumer", options))) {
            consumer.assign(end.keySet());
            final Map<TopicPartition, Long> begin = consumer.beginningOffsets(end.keySet(), API_TIMEOUT);
            long target = 0;
            final Set<TopicPartition> open = new HashSet<>();
            for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                if (e.getValue() > begin.get(e.getKey())) {
                    open.add(e.getKey());
                    target += e.getValue() - begin.get(e.getKey());
                }
            }
            begin.forEach(consumer::seek);   // explicit positions: no ListOffsets inside the timed part
            final CpuSample before = CpuSample.now(broker.pid(), s3Pid);
            final long start = System.nanoTime();
            final long deadline = start + timeout.toNanos();
            long records = 0;
            long bytes = 0;
            long last = start;
            int emptyPolls = 0;
            int outOfRange = 0;
            String firstOutOfRange = null;
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                final ConsumerRecords<byte[], byte[]> batch;
                try {
                    batch = consumer.poll(POLL);
                } catch (OffsetOutOfRangeException e) {
                    // The broker said OFFSET_OUT_OF_RANGE for an offset it holds (the bucket does): count it, and
                    // ask again from the same offset, as a consumer with auto.offset.reset=none would have to.
                    outOfRange++;
                    if (firstOutOfRange == null) {
                        firstOutOfRange = e.offsetOutOfRangePartitions().toString();
                    }
                    e.offsetOutOfRangePartitions().forEach(consumer::seek);
                    continue;
                }
                if (batch.isEmpty()) {
                    emptyPolls++;
                    continue;
                }
                for (final ConsumerRecord<byte[], byte[]> r : batch) {
                    final TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    final long stop = end.get(tp);
                    if (r.offset() < stop) {
                        records++;
                        bytes += r.serializedValueSize();
                        if (r.offset() == stop - 1) {
                            open.remove(tp);
                            consumer.pause(List.of(tp));
                        }
                    }
                }
                last = System.nanoTime();
            }
            final CpuSample cpu = CpuSample.now(broker.pid(), s3Pid).since(before);
            return new ConsumeRun(records, bytes, last - start, open.isEmpty() && records == target, emptyPolls,
                    outOfRange, firstOutOfRange, cpu);
        }
    }
}
