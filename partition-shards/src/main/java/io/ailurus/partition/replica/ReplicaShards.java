package io.ailurus.partition.replica;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;

/**
 * How replica entities map to shards and nodes: a replica's entity id ends with the id of the node that holds its
 * files, all of one node's replicas form the shard {@code node-<id>}, and that shard is pinned to its node through
 * Pekko's external shard allocation. A replica therefore always runs where its segment files are, whichever node
 * addresses it.
 */
public final class ReplicaShards {

    private ReplicaShards() {
    }

    static String shardOf(final String entityId) {
        return "node-" + entityId.substring(entityId.lastIndexOf('/') + 1);
    }

    /** The sharded entity definition; {@code behavior} builds a replica from its entity context. */
    public static Entity<PartitionReplica.Command, ShardingEnvelope<PartitionReplica.Command>> entity(
            final ActorSystem<?> system,
            final org.apache.pekko.japi.function.Function<EntityContext<PartitionReplica.Command>, Behavior<PartitionReplica.Command>> behavior) {
        return Entity.of(PartitionReplica.TYPE_KEY, behavior)
                .withMessageExtractor(new ShardingMessageExtractor<ShardingEnvelope<PartitionReplica.Command>, PartitionReplica.Command>() {
                    @Override
                    public String entityId(final ShardingEnvelope<PartitionReplica.Command> envelope) {
                        return envelope.entityId();
                    }

                    @Override
                    public String shardId(final String entityId) {
                        return shardOf(entityId);
                    }

                    @Override
                    public PartitionReplica.Command unwrapMessage(final ShardingEnvelope<PartitionReplica.Command> envelope) {
                        return envelope.message();
                    }
                })
                .withAllocationStrategy(ExternalShardAllocationStrategy.create(system, PartitionReplica.TYPE_KEY.name(),
                        Duration.ofSeconds(5)));
    }

    /** Pins this node's shard to this node (its own address, which changes with each incarnation). */
    public static CompletionStage<Done> pinToSelf(final ActorSystem<?> system, final int nodeId, final Address self) {
        return ExternalShardAllocation.get(system).getClient(PartitionReplica.TYPE_KEY.name())
                .setShardLocation("node-" + nodeId, self);
    }
}
