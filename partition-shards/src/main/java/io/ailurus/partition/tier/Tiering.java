package io.ailurus.partition.tier;

import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.producer.PartitionTransactions;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Tiered storage as the rest of the node sees it: implemented by {@code tier-s3}, absent ({@link #NONE}) on a node
 * without it. A replica attaches once when it opens its log, on its own thread, and then tells the returned
 * {@link PartitionTier} about leadership, config changes and its end.
 */
public interface Tiering {

    /** Whether this node has tiered storage (topics with remote storage need it). */
    boolean enabled();

    /**
     * Starts tiering for a replica. {@code replicaContext} is the replica's actor context: whatever the tier spawns is
     * the replica's child, supervised by it and stopped with it. {@code transactions} are the replica's: an upload
     * records the aborted transactions of its segment with it.
     */
    PartitionTier attach(TopicPartition tp, SegmentLog log, PartitionTransactions transactions,
            ActorContext<?> replicaContext);

    /**
     * How many partitions of {@code topic} a bucket holds (for a restore or a read replica, whose partition count is
     * the bucket's); {@code bucket} "" is this node's.
     */
    CompletableFuture<Integer> partitionsInBucket(String topic, String bucket);

    /**
     * Where a partition restored from the bucket continues: the bucket's end offset and the last leader epoch in it,
     * or empty when the bucket holds nothing of it. Blocks for at most one bucket call's deadline: called once, when a
     * restored partition's replica first opens its log.
     */
    Optional<RestorePoint> restorePoint(TopicPartition tp);

    /** A restored log starts empty at {@code nextOffset}, its Raft term at least {@code lastEpoch}. */
    record RestorePoint(long nextOffset, int lastEpoch) {
    }

    Tiering NONE = new Tiering() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public PartitionTier attach(final TopicPartition tp, final SegmentLog log, final PartitionTransactions transactions,
                final ActorContext<?> replicaContext) {
            return PartitionTier.NONE;
        }

        @Override
        public CompletableFuture<Integer> partitionsInBucket(final String topic, final String bucket) {
            return CompletableFuture.completedFuture(0);
        }

        @Override
        public Optional<RestorePoint> restorePoint(final TopicPartition tp) {
            return Optional.empty();
        }
    };
}
