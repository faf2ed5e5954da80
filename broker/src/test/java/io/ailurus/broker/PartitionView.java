package io.ailurus.broker;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * One partition as a plain kafka-clients consumer reads it (assign, seek to the beginning, poll up to the end offset
 * taken first): for internal topics such as {@code __consumer_offsets}, whose compaction shows as fewer records than
 * offsets.
 *
 * @param start   the log start offset (ListOffsets earliest)
 * @param end     the end offset the read went up to (ListOffsets latest, taken before reading)
 * @param records every record read below {@code end}, in offset order
 */
record PartitionView(long start, long end, List<ConsumerRecord<byte[], byte[]>> records) {

    static PartitionView read(final TestBroker broker, final TopicPartition tp) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long start = consumer.beginningOffsets(List.of(tp)).get(tp);
            final long end = consumer.endOffsets(List.of(tp)).get(tp);
            final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end) {
                        records.add(r);
                    }
                }
            }
            if (consumer.position(tp) < end) {
                throw new AssertionError(tp + ": read up to " + consumer.position(tp) + " of " + end + " within 30 s");
            }
            return new PartitionView(start, end, records);
        }
    }

    /** The records at offsets in [from, to). */
    List<ConsumerRecord<byte[], byte[]>> between(final long from, final long to) {
        return records.stream().filter(r -> r.offset() >= from && r.offset() < to).toList();
    }

    /** How many different keys the records have. */
    static int distinctKeys(final List<ConsumerRecord<byte[], byte[]>> records) {
        final Set<ByteBuffer> keys = new HashSet<>();
        records.forEach(r -> keys.add(ByteBuffer.wrap(r.key())));
        return keys.size();
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + "): " + records.size() + " record(s)";
    }
}
