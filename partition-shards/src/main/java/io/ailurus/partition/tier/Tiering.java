package io.ailurus.partition.tier;

import io.ailurus.partition.log.SegmentLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Tiered storage as a partition replica sees it: implemented by {@code tier-s3}, absent ({@link #NONE}) on a node
 * without it. The replica attaches once when it opens its log, on its own thread, and then tells the returned
 * {@link PartitionTier} about leadership, config changes and its end.
 */
@FunctionalInterface
public interface Tiering {

    /**
     * Starts tiering for a replica. {@code replicaContext} is the replica's actor context: whatever the tier spawns is
     * the replica's child, supervised by it and stopped with it.
     */
    PartitionTier attach(TopicPartition tp, SegmentLog log, ActorContext<?> replicaContext);

    Tiering NONE = (tp, log, ctx) -> PartitionTier.NONE;
}
