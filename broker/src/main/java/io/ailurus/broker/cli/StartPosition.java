package io.ailurus.broker.cli;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Option;

/**
 * Where {@code ailurus consume} starts in each partition (mutually exclusive options; none given: at the end, so
 * only new records are printed).
 */
final class StartPosition {

    @Option(names = "--from-beginning", description = "Start at the first record of each partition.")
    boolean fromBeginning;

    @Option(names = "--offset", paramLabel = "N",
            description = "Start at offset N of each partition; a negative N starts N records before the end.")
    Long offset;

    @Option(names = "--from-timestamp", paramLabel = "MS|ISO-8601", converter = Timestamps.Converter.class,
            description = "Start at the first record at or after this time: epoch milliseconds or a date-time like "
                    + "2024-05-01T12:00:00Z (without a zone: local time).")
    Long timestamp;

    /** An absolute offset past the end is an error rather than a silent jump; otherwise start over at the beginning. */
    static String autoOffsetReset(final StartPosition position) {
        return position != null && position.offset != null && position.offset >= 0 ? "none" : "earliest";
    }

    /** Seeks every partition; {@code position} is null when no start option was given. */
    static void seek(final StartPosition position, final Consumer<?, ?> consumer,
            final Collection<TopicPartition> partitions, final Duration timeout) {
        if (position == null) {
            consumer.seekToEnd(partitions);
        } else if (position.fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else if (position.offset != null) {
            position.seekToOffset(consumer, partitions, timeout);
        } else if (position.timestamp != null) {
            position.seekToTimestamp(consumer, partitions, timeout);
        } else {
            consumer.seekToEnd(partitions);
        }
    }

    private void seekToOffset(final Consumer<?, ?> consumer, final Collection<TopicPartition> partitions,
            final Duration timeout) {
        if (offset >= 0) {
            partitions.forEach(tp -> consumer.seek(tp, offset));
            return;
        }
        final Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
        final Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        for (final TopicPartition tp : partitions) {
            consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) + offset));
        }
    }

    private void seekToTimestamp(final Consumer<?, ?> consumer, final Collection<TopicPartition> partitions,
            final Duration timeout) {
        final Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, timestamp));
        final Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
        for (final TopicPartition tp : partitions) {
            final OffsetAndTimestamp at = found.get(tp);
            if (at != null) {
                consumer.seek(tp, at.offset());
            } else {
                consumer.seekToEnd(List.of(tp));
            }
        }
    }
}
