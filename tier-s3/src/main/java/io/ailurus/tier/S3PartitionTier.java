package io.ailurus.tier;

import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.log.RemoteStorageConfig;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.producer.PartitionTransactions;
import io.ailurus.partition.tier.PartitionTier;
import io.ailurus.partition.tier.RemoteLog;
import io.ailurus.tier.manifest.PartitionManifest;
import io.ailurus.tier.read.ChunkCache;
import io.ailurus.tier.read.IndexCache;
import io.ailurus.tier.read.RemoteReader;
import io.ailurus.tier.s3.ObjectStore;
import io.ailurus.tier.upload.CallChains;
import io.ailurus.tier.upload.TierActor;
import io.ailurus.tier.upload.TierStatus;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * One replica's tiering: its tier actor (a child of the replica, on the partition dispatcher since it reads segment
 * files), the manifest it publishes, and the reader that serves fetches from it.
 */
public final class S3PartitionTier implements PartitionTier {

    /** The dispatcher partition replicas run on (file I/O allowed). */
    private static final String DISPATCHER = "ailurus.partition-dispatcher";

    private final TopicPartition tp;
    private final SegmentLog log;
    private final TierConfig config;
    private final S3Tiering node;
    private final AtomicReference<PartitionManifest> manifest;
    private volatile boolean manifestLoaded;
    private final TierStatus status = new TierStatus();
    private final CallChains chains = new CallChains();
    private final ActorRef<TierActor.Command> actor;
    private final RemoteReader reader;

    S3PartitionTier(final TopicPartition tp, final SegmentLog log, final PartitionTransactions transactions,
            final ActorContext<?> replicaContext,
            final ObjectStore store, final ChunkCache chunks, final IndexCache indexes, final TierConfig config,
            final S3Tiering node) {
        this.tp = tp;
        this.log = log;
        this.config = config;
        this.node = node;
        this.manifest = new AtomicReference<>(PartitionManifest.empty(tp.topic(), tp.partition()));
        this.reader = new RemoteReader(tp.topic(), tp.partition(), manifest::get,
                () -> manifestLoaded || !log.config().remote().usesBucket(), store, chunks, indexes);
        this.actor = replicaContext.spawn(TierActor.create(tp, log, transactions, store, this::publish, status,
                        config.manifestPollInterval(), config.orphanGrace(), chains), "tier",
                DispatcherSelector.fromConfig(DISPATCHER));
    }

    /** The tier actor loaded or wrote a manifest: readers follow it. */
    private void publish(final PartitionManifest current) {
        manifest.set(current);
        manifestLoaded = true;
    }

    @Override
    public void leadershipChanged(final boolean leading, final int term) {
        // What this replica knew of the bucket may be stale: while it followed, another leader uploaded and its own
        // log start moved up behind the uploads. Reads below the local log wait until the manifest of this term is in.
        manifestLoaded = false;
        actor.tell(leading ? new TierActor.Lead(term) : TierActor.Unlead.INSTANCE);
    }

    @Override
    public void configChanged(final LogConfig config) {
        actor.tell(new TierActor.ConfigChanged(config));
    }

    @Override
    public void logStartMoved(final long logStartOffset) {
        actor.tell(new TierActor.StartMoved(logStartOffset));
    }

    @Override
    public void topicDeleted() {
        final RemoteStorageConfig remote = log.config().remote();
        // Never a read replica's: those objects belong to the cluster that owns the topic.
        if (remote.deleteOnTopicDelete() && !remote.readReplica() && (remote.enabled() || !manifest.get().isEmpty())) {
            // After the upload in flight, if any: it would otherwise put its object back into the emptied prefix.
            chains.closeThen(() -> node.deletePartitionObjects(tp));
        }
    }

    @Override
    public void close() {
        chains.close();
        node.detached(tp, this);
    }

    @Override
    public long activeSegmentMaxAgeMs() {
        return config.uploadInterval().toMillis();
    }

    @Override
    public RemoteLog remote() {
        return reader;
    }

    public PartitionManifest manifest() {
        return manifest.get();
    }

    public TierStatus status() {
        return status;
    }

    public SegmentLog log() {
        return log;
    }
}
