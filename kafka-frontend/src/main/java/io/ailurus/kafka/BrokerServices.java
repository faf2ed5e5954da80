package io.ailurus.kafka;

import io.ailurus.partition.tier.Tiering;
import io.ailurus.actors.NodeConfig;
import io.ailurus.cluster.metadata.TopicStore;
import io.ailurus.partition.producer.ProducerIdSource;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.PartitionClient;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What request handlers may use.
 *
 * @param config         the node's settings
 * @param clusterId      this node's own cluster id, reported until the cluster has agreed on one
 * @param advertisedHost where clients are told to connect
 * @param advertisedPort where clients are told to connect (the bound port when configured as 0)
 * @param topics         the topic table
 * @param replicas       partition replicas running on this node (reads go straight to their logs)
 * @param partitions     writes to partition replicas
 * @param producerIds    InitProducerId's id source
 * @param timer          for long-poll deadlines; tasks must only hand off
 * @param cluster        the live brokers and partition leadership, for Metadata and coordinator lookups
 */
public record BrokerServices(
        NodeConfig config,
        String clusterId,
        String advertisedHost,
        int advertisedPort,
        TopicStore topics,
        LocalReplicas replicas,
        PartitionClient partitions,
        ProducerIdSource producerIds,
        ScheduledExecutorService timer,
        ClusterView cluster,
        Tiering tiering) {

    /** A node without tiered storage. */
    public BrokerServices(final NodeConfig config, final String clusterId, final String advertisedHost,
            final int advertisedPort, final TopicStore topics, final LocalReplicas replicas,
            final PartitionClient partitions, final ProducerIdSource producerIds, final ScheduledExecutorService timer,
            final ClusterView cluster) {
        this(config, clusterId, advertisedHost, advertisedPort, topics, replicas, partitions, producerIds, timer, cluster,
                Tiering.NONE);
    }

    public int nodeId() {
        return config.nodeId();
    }

    /** The id reported to clients: the cluster's, once agreed, so that every broker reports the same. */
    @Override
    public String clusterId() {
        return cluster.clusterId().orElse(clusterId);
    }
}
