package io.ailurus.broker;

import io.ailurus.cluster.controller.BrokerRegistration;
import io.ailurus.cluster.controller.ReplicatedTopicStore;
import io.ailurus.cluster.membership.ClusterConfig;
import io.ailurus.cluster.membership.NodeDirectory;
import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.kafka.group.GroupCoordinator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a starting node into the controller's view: registers it as a broker (so placement may use it) as soon as a
 * controller leader exists, then makes sure {@code __consumer_offsets} exists, created once enough brokers are
 * registered for its replication factor (the factor is capped by the controller's voter count, so a single node uses
 * 1). Retries every half second; the controller may need an election, or peers, first.
 */
final class NodeRegistration {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistration.class);
    private static final long PERIOD_MS = 500;

    private final int nodeId;
    private final ClusterConfig cluster;
    private final ReplicatedTopicStore topics;
    private final NodeDirectory nodes;
    private final ScheduledExecutorService timer;
    private final int offsetsPartitions;
    private final int offsetsSegmentBytes;
    private final String clusterId;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean registered;
    private volatile ScheduledFuture<?> task;

    NodeRegistration(final int nodeId, final ClusterConfig cluster, final ReplicatedTopicStore topics,
            final NodeDirectory nodes, final ScheduledExecutorService timer, final int offsetsPartitions,
            final int offsetsSegmentBytes, final String clusterId) {
        this.clusterId = clusterId;
        this.nodeId = nodeId;
        this.cluster = cluster;
        this.topics = topics;
        this.nodes = nodes;
        this.timer = timer;
        this.offsetsPartitions = offsetsPartitions;
        this.offsetsSegmentBytes = offsetsSegmentBytes;
    }

    void start() {
        task = timer.scheduleWithFixedDelay(this::step, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private void step() {
        if (!busy.compareAndSet(false, true)) {
            return;
        }
        if (!registered) {
            topics.registerBroker(nodeId, cluster.rack(), clusterId).whenComplete((ok, failure) -> {
                if (failure == null) {
                    registered = true;
                    LOG.info("Node {} registered with the controller", nodeId);
                }
                busy.set(false);
            });
            return;
        }
        final Optional<TopicMetadata> offsets = topics.topic(GroupCoordinator.OFFSETS_TOPIC);
        if (offsets.isPresent()) {
            if (offsets.get().partitions() != offsetsPartitions) {
                LOG.error("{} has {} partitions but ailurus.groups.offsets-topic-partitions is {}: it cannot change "
                        + "once created", GroupCoordinator.OFFSETS_TOPIC, offsets.get().partitions(), offsetsPartitions);
            }
            final CompletableFuture<TopicMetadata> compacting = GroupCoordinator.ensureCompacted(topics, offsets.get());
            if (compacting != null) {
                compacting.whenComplete((t, failure) -> busy.set(false));   // the next step checks again
                return;
            }
            task.cancel(false);
            busy.set(false);
            return;
        }
        final int wanted = Math.min(cluster.offsetsReplicationFactor(), cluster.votersOr(nodeId).size());
        final long ready = topics.image().brokers().values().stream()
                .filter(b -> !b.decommissioned())
                .map(BrokerRegistration::nodeId)
                .filter(nodes::isAlive)
                .count();
        if (ready < wanted) {
            busy.set(false);
            return;
        }
        topics.create(GroupCoordinator.OFFSETS_TOPIC, offsetsPartitions, (short) wanted,
                GroupCoordinator.internalTopicConfigs(offsetsSegmentBytes), false).whenComplete((created, failure) -> {
                    if (failure == null) {
                        LOG.info("Created {} ({} partitions, replication factor {})", GroupCoordinator.OFFSETS_TOPIC,
                                offsetsPartitions, wanted);
                    } else if (!(failure.getCause() instanceof TopicExistsException)) {
                        LOG.debug("Creating {} failed, will retry: {}", GroupCoordinator.OFFSETS_TOPIC, failure.toString());
                    }
                    busy.set(false);
                });
    }
}
