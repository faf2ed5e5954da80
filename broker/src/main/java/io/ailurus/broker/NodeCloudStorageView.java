package io.ailurus.broker;

import io.ailurus.cluster.admin.AdminAnswer;
import io.ailurus.cluster.admin.CloudStorageStatus;
import io.ailurus.cluster.admin.CloudStorageView;
import io.ailurus.cluster.controller.ReplicatedTopicStore;
import io.ailurus.cluster.membership.LeadershipTable;
import io.ailurus.cluster.membership.NodeDirectory;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.tier.S3PartitionTier;
import io.ailurus.tier.S3Tiering;
import io.ailurus.tier.manifest.ManifestCodec;
import io.ailurus.tier.manifest.PartitionManifest;
import io.ailurus.tier.upload.TierStatus;
import org.apache.kafka.common.TopicPartition;

/**
 * The admin API's view of tiered storage ({@code /v1/cloud_storage/...}) from this node's replicas. Nothing is
 * forwarded: an operator asks the leader's node (a 404 from another node names it), since only the leader uploads
 * and holds the bucket's current manifest.
 */
final class NodeCloudStorageView implements CloudStorageView {

    private final int nodeId;
    private final ReplicatedTopicStore topics;
    private final LocalReplicas replicas;
    private final LeadershipTable leaders;
    private final NodeDirectory nodes;
    private final S3Tiering tiering;   // null when tiered storage is off on this node

    NodeCloudStorageView(final int nodeId, final ReplicatedTopicStore topics, final LocalReplicas replicas,
            final LeadershipTable leaders, final NodeDirectory nodes, final S3Tiering tiering) {
        this.nodeId = nodeId;
        this.topics = topics;
        this.replicas = replicas;
        this.leaders = leaders;
        this.nodes = nodes;
        this.tiering = tiering;
    }

    @Override
    public AdminAnswer<CloudStorageStatus> status(final String topic, final int partition) {
        final TopicPartition tp = new TopicPartition(topic, partition);
        return localTier(tp).then(tier -> AdminAnswer.found(status(tp, tier, leads(tp))));
    }

    @Override
    public AdminAnswer<byte[]> manifest(final String topic, final int partition) {
        final TopicPartition tp = new TopicPartition(topic, partition);
        return localTier(tp).then(tier -> {
            if (!leads(tp)) {
                return AdminAnswer.notFound("this node does not lead " + name(tp)
                        + " and only the leader holds its current manifest" + leaderHint(tp));
            }
            if (!tier.remote().ready()) {
                return AdminAnswer.unavailable("the leader of " + name(tp)
                        + " is still reading its manifest from the bucket");
            }
            return AdminAnswer.found(ManifestCodec.encode(tier.manifest()));
        });
    }

    /** This node's tier of the partition, or why there is none (checked in the order an operator would fix it). */
    private AdminAnswer<S3PartitionTier> localTier(final TopicPartition tp) {
        final boolean exists = topics.image().topic(tp.topic())
                .map(t -> tp.partition() >= 0 && tp.partition() < t.replicas().size()).orElse(false);
        if (!exists) {
            return AdminAnswer.notFound("partition " + name(tp) + " does not exist");
        }
        if (tiering == null) {
            return AdminAnswer.notFound("tiered storage is off on this node");
        }
        final S3PartitionTier tier = tiering.partition(tp);
        return tier != null ? AdminAnswer.found(tier)
                : AdminAnswer.notFound("no replica of " + name(tp) + " runs on this node" + leaderHint(tp));
    }

    /** Leads and has committed in its term, as the Kafka API requires before serving. */
    private boolean leads(final TopicPartition tp) {
        final ReplicaHandle replica = replicas.get(tp);
        return replica != null && replica.isLeader();
    }

    /** Figures read once each; the manifest is one immutable snapshot, so the bucket's figures agree. */
    private static CloudStorageStatus status(final TopicPartition tp, final S3PartitionTier tier, final boolean leader) {
        final SegmentLog log = tier.log();
        final PartitionManifest manifest = tier.manifest();
        final TierStatus uploads = tier.status();
        final long failingSince = uploads.failingSinceMs();
        final boolean failing = failingSince >= 0;
        return new CloudStorageStatus(tp.topic(), tp.partition(), leader, log.config().remote().enabled(),
                manifest.lastOffset(), log.logStartOffset(), manifest.startOffset(), log.highWatermark(),
                log.sizeInBytes(), manifest.sizeBytes(), manifest.segments().size(), uploads.pendingOffsets(), failing,
                failingSince, failing ? Math.max(0, (System.currentTimeMillis() - failingSince) / 1000) : 0,
                failing ? uploads.lastError() : null);
    }

    /** "; its leader is node N (admin host:port)", so that a script knows where to ask; empty when unknown. */
    private String leaderHint(final TopicPartition tp) {
        final int leader = leaders.leader(tp).leaderId();
        if (leader < 0 || leader == nodeId) {
            return "";
        }
        return "; its leader is node " + leader + nodes.node(leader)
                .map(n -> " (admin " + n.info().adminHost() + ":" + n.info().adminPort() + ")").orElse("");
    }

    /** "orders/0", as the other admin routes name partitions. */
    private static String name(final TopicPartition tp) {
        return tp.topic() + "/" + tp.partition();
    }
}
