package io.ailurus.kafka.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;

/** Turns a group's committed offsets into an OffsetFetch answer. */
public final class ClassicGroupOffsets {

    private ClassicGroupOffsets() {
    }

    /**
     * Fills {@code out} with the offsets of {@code requested} (-1 where none is committed), or with every committed
     * offset when {@code requested} is null. Partitions in {@code unstable} are answered UNSTABLE_OFFSET_COMMIT
     * without an offset: a transaction may still change them.
     */
    public static void fill(final OffsetFetchResponseData.OffsetFetchResponseGroup out, final List<TopicPartition> requested,
            final Map<TopicPartition, ClassicGroup.CommittedOffset> committed, final Set<TopicPartition> unstable) {
        final List<TopicPartition> partitions = requested != null ? requested : new ArrayList<>(committed.keySet());
        if (requested == null) {
            partitions.addAll(unstable);
        }
        final Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> topics = new LinkedHashMap<>();
        for (final TopicPartition tp : partitions) {
            final ClassicGroup.CommittedOffset o = committed.get(tp);
            topics.computeIfAbsent(tp.topic(), t -> new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(t))
                    .partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                            .setPartitionIndex(tp.partition())
                            .setCommittedOffset(o == null ? -1 : o.offset())
                            .setCommittedLeaderEpoch(o == null ? -1 : o.leaderEpoch())
                            .setMetadata(o == null ? "" : o.metadata())
                            .setErrorCode(unstable.contains(tp) ? Errors.UNSTABLE_OFFSET_COMMIT.code() : Errors.NONE.code()));
        }
        out.topics().addAll(topics.values());
    }
}
