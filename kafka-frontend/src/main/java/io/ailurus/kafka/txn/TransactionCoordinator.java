package io.ailurus.kafka.txn;

import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.PartitionReplica;
import io.ailurus.partition.replica.ReplicaHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.utils.Utils;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's transaction coordinators: one {@link TransactionCoordinatorShard} per {@code __transaction_state}
 * partition led here, started and stopped with that leadership. A transactional id belongs to partition
 * {@code abs(hash(id)) % partitions}, Kafka's mapping. The topic is created when the first transactional producer
 * looks for its coordinator, as Kafka does, so clusters that never use transactions do not carry it.
 */
public final class TransactionCoordinator implements LocalReplicas.Listener {

    public static final String STATE_TOPIC = Topic.TRANSACTION_STATE_TOPIC_NAME;
    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);

    private final ActorSystem<?> system;
    private final BrokerServices services;
    private final TransactionSettings settings;
    private final TxnMarkerWriter markers;
    private final AtomicReferenceArray<ActorRef<TransactionCoordinatorShard.Command>> shards;
    private final AtomicInteger incarnation = new AtomicInteger();
    private final AtomicBoolean creatingTopic = new AtomicBoolean();

    public TransactionCoordinator(final ActorSystem<?> system, final BrokerServices services,
            final TransactionSettings settings, final TxnMarkerWriter markers) {
        this.system = system;
        this.services = services;
        this.settings = settings;
        this.markers = markers;
        this.shards = new AtomicReferenceArray<>(settings.stateTopicPartitions());
    }

    public TxnMarkerWriter markers() {
        return markers;
    }

    public int partitionFor(final String transactionalId) {
        return Utils.abs(transactionalId.hashCode()) % partitionCount();
    }

    /** The partitions of the topic once it exists (it cannot change then), else the configured count. */
    private int partitionCount() {
        return services.topics().topic(STATE_TOPIC).map(TopicMetadata::partitions)
                .map(n -> Math.min(n, shards.length())).orElse(shards.length());
    }

    /** Whether the coordinator of this id runs here and has loaded its state. */
    public boolean isActive(final String transactionalId) {
        return services.topics().topic(STATE_TOPIC).isPresent() && shards.get(partitionFor(transactionalId)) != null;
    }

    /** Creates {@code __transaction_state} if it does not exist yet (replicated like the offsets topic); true if it exists. */
    public boolean ensureStateTopic() {
        final Optional<TopicMetadata> existing = services.topics().topic(STATE_TOPIC);
        if (existing.isPresent()) {
            if (!"compact".equals(existing.get().configs().get("cleanup.policy")) && creatingTopic.compareAndSet(false, true)) {
                final CompletableFuture<TopicMetadata> compacting = GroupCoordinator.ensureCompacted(services.topics(),
                        existing.get());
                if (compacting == null) {
                    creatingTopic.set(false);
                } else {
                    compacting.whenComplete((t, failure) -> creatingTopic.set(false));
                }
            }
            return true;
        }
        final Optional<TopicMetadata> offsets = services.topics().topic(GroupCoordinator.OFFSETS_TOPIC);
        // Replicated like the offsets topic, which the cluster creates once its nodes registered: until then, wait.
        if (offsets.isPresent() && creatingTopic.compareAndSet(false, true)) {
            final short replication = offsets.get().replicationFactor();
            services.topics().create(STATE_TOPIC, settings.stateTopicPartitions(), replication,
                    GroupCoordinator.internalTopicConfigs(settings.stateTopicSegmentBytes()), false).whenComplete((created, failure) -> {
                        creatingTopic.set(false);
                        if (failure == null) {
                            LOG.info("Created {} ({} partitions, replication factor {})", STATE_TOPIC,
                                    settings.stateTopicPartitions(), replication);
                        } else if (!(failure.getCause() instanceof TopicExistsException)) {
                            LOG.info("Creating {} failed, will retry: {}", STATE_TOPIC, failure.toString());
                        }
                    });
        }
        return false;
    }

    @Override
    public void startedLeading(final ReplicaHandle replica) {
        final int p = replica.topicPartition().partition();
        if (!STATE_TOPIC.equals(replica.topicPartition().topic()) || p >= shards.length()) {
            return;
        }
        final ActorRef<TransactionCoordinatorShard.Command> shard = system.systemActorOf(
                TransactionCoordinatorShard.create(p, replica, services.partitions(), markers, settings,
                        () -> services.producerIds().nextProducerId()),
                "txn-coordinator-" + p + "-" + incarnation.incrementAndGet(),
                DispatcherSelector.fromConfig(PartitionReplica.DISPATCHER));
        final ActorRef<TransactionCoordinatorShard.Command> previous = shards.getAndSet(p, shard);
        if (previous != null) {
            previous.tell(TransactionCoordinatorShard.Stop.INSTANCE);
        }
    }

    @Override
    public void stoppedLeading(final ReplicaHandle replica) {
        final int p = replica.topicPartition().partition();
        if (STATE_TOPIC.equals(replica.topicPartition().topic()) && p < shards.length()) {
            final ActorRef<TransactionCoordinatorShard.Command> shard = shards.getAndSet(p, null);
            if (shard != null) {
                shard.tell(TransactionCoordinatorShard.Stop.INSTANCE);
            }
        }
    }

    /**
     * Sends the coordinator of {@code transactionalId} a message carrying {@code reply}; fails with NOT_COORDINATOR
     * when it does not run here, so the client finds the coordinator again.
     */
    public <T> CompletableFuture<T> tell(final String transactionalId,
            final Function<CompletableFuture<T>, TransactionCoordinatorShard.Command> message) {
        final ActorRef<TransactionCoordinatorShard.Command> shard = services.topics().topic(STATE_TOPIC).isPresent()
                ? shards.get(partitionFor(transactionalId)) : null;
        if (shard == null) {
            return CompletableFuture.failedFuture(new NotCoordinatorException(
                    "this broker is not the transaction coordinator of " + transactionalId));
        }
        final CompletableFuture<T> reply = new CompletableFuture<>();
        shard.tell(message.apply(reply));
        return reply.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Every transactional id of every coordinator running here. */
    public CompletableFuture<List<TxnMetadata>> listAll() {
        final List<CompletableFuture<List<TxnMetadata>>> parts = new ArrayList<>();
        for (int p = 0; p < shards.length(); p++) {
            final ActorRef<TransactionCoordinatorShard.Command> shard = shards.get(p);
            if (shard != null) {
                final CompletableFuture<List<TxnMetadata>> reply = new CompletableFuture<>();
                shard.tell(new TransactionCoordinatorShard.ListAll(reply));
                parts.add(reply.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            final List<TxnMetadata> all = new ArrayList<>();
            parts.forEach(f -> all.addAll(f.join()));
            return all;
        });
    }

    /** The coordinator's view of one id, when it runs here. */
    public CompletableFuture<Optional<TxnMetadata>> describe(final String transactionalId) {
        return tell(transactionalId, reply -> new TransactionCoordinatorShard.Describe(transactionalId, reply));
    }
}
