package io.ailurus.bench.tier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a partition's data is, from ListOffsets: the bucket holds {@code [0, tieredEnd)} ({@code latestTiered() + 1};
 * 0 when nothing is tiered), the local log {@code [localStart, end)} ({@code earliestLocal()} and {@code latest()}).
 */
record PartitionOffsets(TopicPartition tp, long localStart, long tieredEnd, long end) {

    private static final long TIMEOUT_SECONDS = 30;

    /** Every record is in the bucket: nothing is waiting to be uploaded. */
    boolean allTiered() {
        return tieredEnd >= end;
    }

    /** Every record is in the bucket and none is left on the local disk: reads from 0 come from the bucket alone. */
    boolean onlyInBucket() {
        return allTiered() && localStart >= end;
    }

    static List<PartitionOffsets> of(final Admin admin, final String topic, final int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        final Map<TopicPartition, OffsetSpec> local = new HashMap<>();
        final Map<TopicPartition, OffsetSpec> tiered = new HashMap<>();
        final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            final TopicPartition tp = new TopicPartition(topic, p);
            local.put(tp, OffsetSpec.earliestLocal());
            tiered.put(tp, OffsetSpec.latestTiered());
            latest.put(tp, OffsetSpec.latest());
        }
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> l = get(admin, local);
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> t = get(admin, tiered);
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e = get(admin, latest);
        final List<PartitionOffsets> out = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            final TopicPartition tp = new TopicPartition(topic, p);
            final long lastTiered = t.get(tp).offset();
            out.add(new PartitionOffsets(tp, l.get(tp).offset(), lastTiered < 0 ? 0 : lastTiered + 1,
                    e.get(tp).offset()));
        }
        return out;
    }

    private static Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> get(final Admin admin,
            final Map<TopicPartition, OffsetSpec> specs)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.listOffsets(specs).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Records of every partition not in the bucket yet. */
    static long notTiered(final List<PartitionOffsets> offsets) {
        return offsets.stream().mapToLong(o -> Math.max(0, o.end - o.tieredEnd)).sum();
    }

    @Override
    public String toString() {
        return String.format("%s: bucket [0, %d), local [%d, %d)", tp, tieredEnd, localStart, end);
    }
}
