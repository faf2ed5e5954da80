package io.ailurus.broker.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Option;

/** Where {@code ailurus group reset-offsets} moves the committed offsets (exactly one of the options). */
final class ResetTarget {

    @Option(names = "--to-earliest", description = "To the first offset still in each partition.")
    boolean earliest;

    @Option(names = "--to-latest", description = "To the end of each partition (skip everything there is).")
    boolean latest;

    @Option(names = "--to-offset", paramLabel = "N",
            description = "To offset N (moved into the partition's range if it lies outside).")
    Long offset;

    @Option(names = "--to-datetime", paramLabel = "ISO-8601|MS", converter = Timestamps.Converter.class,
            description = "To the first record at or after this time: a date-time like 2024-05-01T12:00:00Z (without a "
                    + "zone: local time) or epoch milliseconds; to the end where there is none.")
    Long datetime;

    /** Whether offsets by time are needed to compute the plan. */
    boolean byTime() {
        return datetime != null;
    }

    /**
     * The new offset of each partition.
     *
     * @param committed the group's committed offsets (a partition without one has no entry, or null)
     * @param earliest  log start offset of each partition
     * @param latest    log end offset of each partition
     * @param atTime    for {@code --to-datetime}: the offset of the first record at or after the time, or -1 if none
     */
    List<GroupFormat.Reset> plan(final Collection<TopicPartition> partitions,
            final Map<TopicPartition, OffsetAndMetadata> committed, final Map<TopicPartition, Long> earliest,
            final Map<TopicPartition, Long> latest, final Map<TopicPartition, Long> atTime) {
        final List<GroupFormat.Reset> out = new ArrayList<>();
        for (final TopicPartition tp : partitions) {
            final long start = earliest.get(tp);
            final long end = latest.get(tp);
            final long target;
            if (this.earliest) {
                target = start;
            } else if (this.latest) {
                target = end;
            } else if (offset != null) {
                target = Math.max(start, Math.min(end, offset));
            } else {
                final Long found = atTime.get(tp);
                target = found == null || found < 0 ? end : found;
            }
            final OffsetAndMetadata current = committed.get(tp);
            out.add(new GroupFormat.Reset(tp, current == null ? null : current.offset(), target));
        }
        return out;
    }
}
