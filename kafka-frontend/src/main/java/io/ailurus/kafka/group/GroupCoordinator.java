package io.ailurus.kafka.group;

import io.ailurus.actors.Asks;
import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.cluster.metadata.TopicStore;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.Futures;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.PartitionReplica;
import io.ailurus.partition.replica.ReplicaHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's group coordinators: one {@link GroupCoordinatorShard} per {@code __consumer_offsets} partition led here,
 * started when that partition's replica starts and stopped with it. A group belongs to partition
 * {@code abs(hash(groupId)) % partitions}, Kafka's mapping, so FindCoordinator answers with that partition's leader.
 */
public final class GroupCoordinator implements LocalReplicas.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    public static final String OFFSETS_TOPIC = Topic.GROUP_METADATA_TOPIC_NAME;
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(60);

    private final ActorSystem<?> system;
    private final BrokerServices services;
    private final GroupSettings settings;
    private final AtomicReferenceArray<ActorRef<GroupCoordinatorShard.Command>> shards;
    private final AtomicInteger incarnation = new AtomicInteger();

    public GroupCoordinator(final ActorSystem<?> system, final BrokerServices services, final GroupSettings settings) {
        this.system = system;
        this.services = services;
        this.settings = settings;
        this.shards = new AtomicReferenceArray<>(settings.offsetsTopicPartitions());
    }

    public GroupSettings settings() {
        return settings;
    }

    /**
     * The configs of a coordinator's internal topic ({@code __consumer_offsets}, {@code __transaction_state}): compacted
     * (the newest record per key is the state, a tombstone deletes), large writes allowed, as in Kafka.
     */
    public static Map<String, String> internalTopicConfigs(final int segmentBytes) {
        return Map.of("cleanup.policy", "compact", "segment.bytes", Integer.toString(segmentBytes),
                "max.message.bytes", Integer.toString(10 * 1024 * 1024));
    }

    /**
     * An internal topic created before coordinators relied on the log cleaner (snapshot-and-delete, no
     * {@code cleanup.policy}) becomes compacted, so its log stays bounded; returns the store's answer, or null when
     * nothing needs to change.
     */
    public static CompletableFuture<TopicMetadata> ensureCompacted(final TopicStore topics,
            final TopicMetadata topic) {
        if ("compact".equals(topic.configs().get("cleanup.policy"))) {
            return null;
        }
        LOG.info("{} becomes a compacted topic (cleanup.policy=compact)", topic.name());
        return topics.updateConfigs(topic.name(), current -> {
            final Map<String, String> next = new HashMap<>(current);
            next.put("cleanup.policy", "compact");
            return next;
        }, false);
    }

    public int partitionFor(final String groupId) {
        return Utils.abs(groupId.hashCode()) % settings.offsetsTopicPartitions();
    }

    /** Whether the coordinator of this group runs here and has loaded its state. */
    public boolean isActive(final String groupId) {
        return shards.get(partitionFor(groupId)) != null;
    }

    @Override
    public void startedLeading(final ReplicaHandle replica) {
        final int p = replica.topicPartition().partition();
        if (!OFFSETS_TOPIC.equals(replica.topicPartition().topic()) || p >= shards.length()) {
            return;
        }
        final ActorRef<GroupCoordinatorShard.Command> shard = system.systemActorOf(
                GroupCoordinatorShard.create(p, replica, services.partitions(), services.topics(), settings),
                "group-coordinator-" + p + "-" + incarnation.incrementAndGet(),
                DispatcherSelector.fromConfig(PartitionReplica.DISPATCHER));
        final ActorRef<GroupCoordinatorShard.Command> previous = shards.getAndSet(p, shard);
        if (previous != null) {
            previous.tell(GroupCoordinatorShard.Stop.INSTANCE);
        }
    }

    @Override
    public void stoppedLeading(final ReplicaHandle replica) {
        final int p = replica.topicPartition().partition();
        if (OFFSETS_TOPIC.equals(replica.topicPartition().topic()) && p < shards.length()) {
            final ActorRef<GroupCoordinatorShard.Command> shard = shards.getAndSet(p, null);
            if (shard != null) {
                shard.tell(GroupCoordinatorShard.Stop.INSTANCE);
            }
        }
    }

    /**
     * Asks the coordinator of {@code groupId}; fails with NOT_COORDINATOR when it is not running here (its offsets
     * partition is led elsewhere, or its leadership is moving), so that the client finds the coordinator again.
     */
    public <T> CompletableFuture<T> ask(final String groupId,
            final Function<ActorRef<T>, GroupCoordinatorShard.Command> message) {
        return ask(groupId, message, ASK_TIMEOUT);
    }

    /**
     * The same with a longer wait, for a JoinGroup, which is answered when the rebalance ends (up to the rebalance
     * timeout). A coordinator that does not answer in time is COORDINATOR_NOT_AVAILABLE, which clients retry.
     */
    public <T> CompletableFuture<T> ask(final String groupId,
            final Function<ActorRef<T>, GroupCoordinatorShard.Command> message, final Duration timeout) {
        final ActorRef<GroupCoordinatorShard.Command> shard = shards.get(partitionFor(groupId));
        if (shard == null) {
            return CompletableFuture.failedFuture(new NotCoordinatorException(
                    "this broker is not the coordinator of group " + groupId));
        }
        final CompletableFuture<T> answer = new CompletableFuture<>();
        Asks.ask(shard, message, timeout, system.scheduler()).whenComplete((value, failure) -> {
            if (failure == null) {
                answer.complete(value);
            } else if (Futures.cause(failure) instanceof TimeoutException) {
                answer.completeExceptionally(new CoordinatorNotAvailableException("the coordinator of group " + groupId
                        + " did not answer within " + timeout.toMillis() + " ms"));
            } else {
                answer.completeExceptionally(failure);
            }
        });
        return answer;
    }

    /** How long a JoinGroup may wait for its rebalance: the rebalance timeout it asks for, and a margin. */
    public static Duration joinTimeout(final int rebalanceTimeoutMs, final int sessionTimeoutMs) {
        final long asked = rebalanceTimeoutMs > 0 ? rebalanceTimeoutMs : sessionTimeoutMs;
        return Duration.ofMillis(Math.max(ASK_TIMEOUT.toMillis(), Math.min(asked, Duration.ofMinutes(30).toMillis()) + 5_000));
    }

    /** TxnOffsetCommit: offsets pending in the producer's transaction until its marker; NOT_COORDINATOR as {@link #ask}. */
    public CompletableFuture<TxnOffsetCommitResponseData> txnCommitOffsets(final TxnOffsetCommitRequestData request) {
        return ask(request.groupId(), replyTo -> new GroupCoordinatorShard.TxnCommitOffsets(request, replyTo));
    }

    /**
     * For the transaction coordinator at EndTxn, in place of a partition's WriteTxnMarker: writes the producer's
     * COMMIT or ABORT marker to {@code __consumer_offsets-offsetsPartition} and applies or drops the offsets the
     * producer committed there. Completes with NONE once the marker is committed; NOT_LEADER_OR_FOLLOWER when that
     * partition's coordinator does not run here; else the append's error or REQUEST_TIMED_OUT — the caller retries
     * (a marker written twice is harmless). Completes on the coordinator's thread: do not block in a continuation.
     */
    public CompletableFuture<Errors> completeTransaction(final int offsetsPartition, final long producerId,
            final short producerEpoch, final boolean commit, final int coordinatorEpoch) {
        if (offsetsPartition < 0 || offsetsPartition >= shards.length()) {
            return CompletableFuture.completedFuture(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        final ActorRef<GroupCoordinatorShard.Command> shard = shards.get(offsetsPartition);
        if (shard == null) {
            return CompletableFuture.completedFuture(Errors.NOT_LEADER_OR_FOLLOWER);
        }
        final CompletableFuture<Errors> reply = new CompletableFuture<>();
        shard.tell(new GroupCoordinatorShard.CompleteTransaction(producerId, producerEpoch, commit, coordinatorEpoch, reply));
        // A shard stopped meanwhile (leadership moved) never answers.
        return reply.completeOnTimeout(Errors.REQUEST_TIMED_OUT, ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every group of every coordinator running here. */
    public CompletableFuture<List<ListGroupsResponseData.ListedGroup>> listAll() {
        final List<CompletableFuture<List<ListGroupsResponseData.ListedGroup>>> parts = new ArrayList<>();
        for (int p = 0; p < shards.length(); p++) {
            final ActorRef<GroupCoordinatorShard.Command> shard = shards.get(p);
            if (shard != null) {
                parts.add(Asks.<GroupCoordinatorShard.Command, List<ListGroupsResponseData.ListedGroup>>ask(shard,
                        GroupCoordinatorShard.ListAll::new, ASK_TIMEOUT, system.scheduler()));
            }
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            final List<ListGroupsResponseData.ListedGroup> all = new ArrayList<>();
            parts.forEach(f -> all.addAll(f.join()));
            return all;
        });
    }

    /** True once the coordinator of every offsets partition led here runs. */
    public boolean allActive() {
        for (int p = 0; p < shards.length(); p++) {
            if (shards.get(p) == null && services.replicas().leader(new TopicPartition(OFFSETS_TOPIC, p)) != null) {
                return false;
            }
        }
        return true;
    }
}
