package io.ailurus.cluster.metadata;

import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A topic as the cluster knows it.
 *
 * @param configs only the configs set on the topic (defaults are not stored)
 */
public record TopicMetadata(String name, Uuid id, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicMetadata {
        configs = Map.copyOf(configs);
    }

    public TopicMetadata withPartitions(final int count) {
        return new TopicMetadata(name, id, count, replicationFactor, configs);
    }

    public TopicMetadata withConfigs(final Map<String, String> newConfigs) {
        return new TopicMetadata(name, id, partitions, replicationFactor, newConfigs);
    }
}
