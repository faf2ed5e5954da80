package io.ailurus.broker;

import io.ailurus.cluster.admin.AdminResult;
import io.ailurus.cluster.admin.AdminView;
import io.ailurus.cluster.admin.CloudStorageView;
import io.ailurus.cluster.admin.PartitionStatus;
import io.ailurus.cluster.admin.ReplicaDump;
import io.ailurus.partition.log.LogSlice;
import io.ailurus.partition.log.SegmentLog;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import io.ailurus.cluster.controller.ControllerCommand;
import io.ailurus.cluster.controller.ReplicatedTopicStore;
import io.ailurus.cluster.controller.TopicAssignment;
import io.ailurus.cluster.membership.Leadership;
import io.ailurus.cluster.membership.LeadershipTable;
import io.ailurus.cluster.membership.NodeDirectory;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.tier.S3Tiering;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The admin API's view of partitions from this node: placement from the controller's image, leaders from the
 * leadership table, log end offsets of the replicas hosted here (-1 for replicas elsewhere).
 */
final class NodeAdminView implements AdminView {

    private final int nodeId;
    private final ReplicatedTopicStore topics;
    private final LocalReplicas replicas;
    private final LeadershipTable leaders;
    private final NodeDirectory nodes;
    private final BooleanSupplier ready;
    private final CloudStorageView cloudStorage;

    /** {@code tiering} is null when tiered storage is off on this node. */
    NodeAdminView(final int nodeId, final ReplicatedTopicStore topics, final LocalReplicas replicas,
            final LeadershipTable leaders, final NodeDirectory nodes, final BooleanSupplier ready,
            final S3Tiering tiering) {
        this.nodeId = nodeId;
        this.topics = topics;
        this.replicas = replicas;
        this.leaders = leaders;
        this.nodes = nodes;
        this.ready = ready;
        this.cloudStorage = new NodeCloudStorageView(nodeId, topics, replicas, leaders, nodes, tiering);
    }

    @Override
    public List<PartitionStatus> partitions() {
        final List<PartitionStatus> all = new ArrayList<>();
        for (final TopicAssignment topic : topics.image().topics().values()) {
            for (int p = 0; p < topic.replicas().size(); p++) {
                all.add(status(topic, p));
            }
        }
        return all;
    }

    private PartitionStatus status(final TopicAssignment topic, final int p) {
        final TopicPartition tp = new TopicPartition(topic.topic().name(), p);
        final Leadership leadership = leaders.leader(tp);
        final int leader = leadership.leaderId() >= 0 && nodes.isAlive(leadership.leaderId()) ? leadership.leaderId() : -1;
        final ReplicaHandle local = replicas.get(tp);
        final List<PartitionStatus.ReplicaStatus> states = new ArrayList<>();
        for (final int node : topic.replicas().get(p)) {
            final long end = node == nodeId && local != null ? local.log().logEndOffset() : -1;
            states.add(new PartitionStatus.ReplicaStatus(node, nodes.isAlive(node), end));
        }
        final long highWatermark = local == null ? -1 : local.log().highWatermark();
        final String moving = topic.move(p).map(m -> m.from() + "->" + m.to()).orElse(null);
        return new PartitionStatus(tp.topic(), p, leader, leadership.term(), highWatermark, states,
                leadership.voters(), moving);
    }

    /** At most this many records per dump: it is a diagnostic, not a consumer. */
    private static final int MAX_DUMP_RECORDS = 200_000;

    @Override
    public Optional<ReplicaDump> dump(final String topic, final int partition) {
        final ReplicaHandle replica = replicas.get(new TopicPartition(topic, partition));
        if (replica == null) {
            return Optional.empty();
        }
        final SegmentLog log = replica.log();
        final long end = log.logEndOffset();
        final List<ReplicaDump.Entry> records = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < end && records.size() < MAX_DUMP_RECORDS) {
            final LogSlice slice = log.read(offset, 1 << 20, end);
            if (slice.isEmpty()) {
                break;
            }
            for (final RecordBatch batch : slice.records().batches()) {
                if (!batch.isControlBatch()) {
                    for (final Record record : batch) {
                        records.add(new ReplicaDump.Entry(record.offset(), batch.partitionLeaderEpoch(),
                                record.hasValue() ? StandardCharsets.UTF_8.decode(record.value()).toString() : null));
                    }
                }
                offset = batch.nextOffset();
            }
        }
        return Optional.of(new ReplicaDump(topic, partition, nodeId, log.logStartOffset(), log.highWatermark(), end,
                records));
    }

    @Override
    public CloudStorageView cloudStorage() {
        return cloudStorage;
    }

    @Override
    public boolean ready() {
        return ready.getAsBoolean();
    }

    @Override
    public CompletionStage<AdminResult> decommission(final int node) {
        if (topics.image().brokers().get(node) == null) {
            return CompletableFuture.completedFuture(AdminResult.rejected(404, "broker " + node + " is not registered"));
        }
        return topics.controller().apply(new ControllerCommand.DecommissionBroker(node)).handle((ok, failure) ->
                failure != null ? AdminResult.rejected(503, "the controller did not accept it: " + failure.getMessage())
                        : AdminResult.accepted("broker " + node + " is decommissioned: its replicas are moving to "
                                + "other brokers, a few at a time (follow GET /v1/partitions)"));
    }
}
