package io.ailurus.tier;

import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.tier.PartitionTier;
import io.ailurus.partition.tier.Tiering;
import io.ailurus.tier.manifest.ObjectKeys;
import io.ailurus.tier.read.ChunkCache;
import io.ailurus.tier.read.IndexCache;
import io.ailurus.tier.s3.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow Indexing on this node: one bucket (through {@link ObjectStore}), one chunk cache and one index cache shared
 * by every partition, and a {@link S3PartitionTier} per local replica.
 */
public final class S3Tiering implements Tiering, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(S3Tiering.class);
    private static final int INDEX_CACHE_ENTRIES = 4096;

    private final ObjectStore store;
    private final TierConfig config;
    private final ExecutorService cacheIo;
    private final ChunkCache chunks;
    private final IndexCache indexes = new IndexCache(INDEX_CACHE_ENTRIES);
    private final ConcurrentHashMap<TopicPartition, S3PartitionTier> partitions = new ConcurrentHashMap<>();

    public S3Tiering(final ObjectStore store, final TierConfig config) {
        this.store = store;
        this.config = config;
        this.cacheIo = Executors.newFixedThreadPool(2, runnable -> {
            final Thread t = new Thread(runnable, "ailurus-tier-cache-io");
            t.setDaemon(true);
            return t;
        });
        try {
            this.chunks = new ChunkCache(config.cacheDir(), config.cacheMaxBytes(), config.chunkBytes(), cacheIo);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the tier cache in " + config.cacheDir(), e);
        }
    }

    @Override
    public PartitionTier attach(final TopicPartition tp, final SegmentLog log, final ActorContext<?> replicaContext) {
        final S3PartitionTier tier = new S3PartitionTier(tp, log, replicaContext, store, chunks, indexes, config, this);
        partitions.put(tp, tier);
        return tier;
    }

    /** The tier of a local replica, for the admin API; null when none runs here. */
    public S3PartitionTier partition(final TopicPartition tp) {
        return partitions.get(tp);
    }

    void detached(final TopicPartition tp, final S3PartitionTier tier) {
        partitions.remove(tp, tier);
    }

    /** Deletes a topic partition's objects (the topic was deleted), in the background, with one log line. */
    void deletePartitionObjects(final TopicPartition tp) {
        final String prefix = ObjectKeys.partitionPrefix(tp.topic(), tp.partition());
        chunks.invalidate(prefix);
        store.deleteAll(prefix).whenComplete((done, failure) -> {
            if (failure != null) {
                LOG.warn("Tiered storage: could not delete the objects of deleted partition {} under {}: {}", tp, prefix,
                        failure.getMessage());
            } else {
                LOG.info("Tiered storage: deleted the objects of deleted partition {} under {}", tp, prefix);
            }
        });
    }

    /** The bucket this node tiers to. */
    public ObjectStore store() {
        return store;
    }

    public long cachedBytes() {
        return chunks.cachedBytes();
    }

    @Override
    public void close() {
        cacheIo.shutdownNow();
    }
}
