package io.ailurus.tier;

import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.producer.PartitionTransactions;
import io.ailurus.partition.tier.PartitionTier;
import io.ailurus.partition.tier.Tiering;
import io.ailurus.tier.manifest.ManifestCodec;
import io.ailurus.tier.manifest.ObjectKeys;
import io.ailurus.tier.manifest.RemoteSegment;
import io.ailurus.tier.s3.ObjectInfo;
import io.ailurus.tier.s3.S3Settings;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.KafkaStorageException;
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

    private final ClassicActorSystemProvider system;
    private final ObjectStore store;
    private final ConcurrentHashMap<String, ObjectStore> otherBuckets = new ConcurrentHashMap<>();
    private final TierConfig config;
    private final ExecutorService cacheIo;
    private final ChunkCache chunks;
    private final IndexCache indexes = new IndexCache(INDEX_CACHE_ENTRIES);
    private final ConcurrentHashMap<TopicPartition, S3PartitionTier> partitions = new ConcurrentHashMap<>();

    public S3Tiering(final ClassicActorSystemProvider system, final S3Settings s3, final TierConfig config) {
        this.system = system;
        this.store = new ObjectStore(system, s3);
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
    public PartitionTier attach(final TopicPartition tp, final SegmentLog log, final PartitionTransactions transactions,
            final ActorContext<?> replicaContext) {
        final S3PartitionTier tier = new S3PartitionTier(tp, log, transactions, replicaContext,
                storeFor(log.config().remote().readReplicaBucket()), chunks, indexes, config, this);
        partitions.put(tp, tier);
        return tier;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    /** Partitions are numbered from 0: the count is one past the highest partition with a manifest. */
    @Override
    public CompletableFuture<Integer> partitionsInBucket(final String topic, final String bucket) {
        final String prefix = ObjectKeys.topicPrefix(topic);
        return storeFor(bucket).list(prefix).toCompletableFuture().thenApply(objects -> {
            int count = 0;
            for (final ObjectInfo object : objects) {
                final String rest = object.key().substring(prefix.length());
                final int slash = rest.indexOf('/');
                if (slash > 0 && rest.substring(slash + 1).equals(ObjectKeys.MANIFEST_NAME)) {
                    try {
                        count = Math.max(count, Integer.parseInt(rest.substring(0, slash)) + 1);
                    } catch (NumberFormatException e) {
                        // not a partition directory
                    }
                }
            }
            return count;
        });
    }

    @Override
    public Optional<RestorePoint> restorePoint(final TopicPartition tp) {
        final Optional<byte[]> bytes;
        try {
            bytes = store.get(ObjectKeys.manifest(tp.topic(), tp.partition())).toCompletableFuture()
                    .get(store.settings().callTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaStorageException("cannot read the manifest of " + tp + " to restore it: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaStorageException("interrupted while reading the manifest of " + tp);
        }
        return bytes.map(ManifestCodec::decode).filter(m -> !m.isEmpty()).map(m -> {
            final RemoteSegment last = m.segments().get(m.segments().size() - 1);
            final int lastEpoch = last.epochs().isEmpty() ? m.term() : last.epochs().get(last.epochs().size() - 1).epoch();
            return new RestorePoint(m.nextOffset(), Math.max(lastEpoch, m.term()));
        });
    }

    /** This node's bucket for "", else a store for the named bucket at the same endpoint (read replicas). */
    private ObjectStore storeFor(final String bucket) {
        if (bucket.isEmpty() || bucket.equals(store.settings().bucket())) {
            return store;
        }
        return otherBuckets.computeIfAbsent(bucket, b -> new ObjectStore(system, store.settings().withBucket(b)));
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
