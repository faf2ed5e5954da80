package io.ailurus.cluster.metadata;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.Uuid;

/**
 * The cluster's topic table: names, ids, partition counts and topic configs. Lookups are local and immediate; changes
 * are asynchronous and complete once durable. Failed changes complete exceptionally with kafka-clients'
 * {@code ApiException}s (TopicExistsException, InvalidTopicException, InvalidConfigurationException,
 * UnknownTopicOrPartitionException, InvalidPartitionsException, InvalidReplicationFactorException).
 *
 * <p>Nodes keep it in the controller (Raft group 0, {@code ReplicatedTopicStore}); {@link LocalTopicStore} keeps it in
 * files for tests.
 */
public interface TopicStore {

    Collection<TopicMetadata> topics();

    Optional<TopicMetadata> topic(String name);

    Optional<TopicMetadata> topic(Uuid id);

    /** Validates and creates a topic; with {@code validateOnly}, validates and returns what would be created. */
    CompletableFuture<TopicMetadata> create(String name, int partitions, short replicationFactor,
            Map<String, String> configs, boolean validateOnly);

    CompletableFuture<TopicMetadata> delete(String name);

    /** Raises the partition count to {@code totalCount}. */
    CompletableFuture<TopicMetadata> createPartitions(String name, int totalCount, boolean validateOnly);

    /** Replaces the topic's configs with {@code configs} (validated). */
    default CompletableFuture<TopicMetadata> replaceConfigs(final String name, final Map<String, String> configs,
            final boolean validateOnly) {
        return updateConfigs(name, current -> configs, validateOnly);
    }

    /**
     * Computes the topic's new configs from its current ones and stores them (validated), atomically with respect to
     * other changes: two concurrent alterations cannot lose each other's update. {@code change} may throw an
     * ApiException to refuse.
     */
    CompletableFuture<TopicMetadata> updateConfigs(String name, UnaryOperator<Map<String, String>> change,
            boolean validateOnly);

    void addListener(TopicListener listener);
}
