package io.ailurus.cluster.metadata;

import java.util.Collection;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;

/** The checks a topic change must pass, whichever store keeps the topic table; failures are Kafka ApiExceptions. */
public final class TopicRules {

    public static final int MAX_PARTITIONS = 10_000;

    private TopicRules() {
    }

    /** A legal name that neither exists nor collides ('.' vs '_') with an existing topic. */
    public static void checkNewName(final String name, final Collection<String> existing) {
        Topic.validate(name);   // InvalidTopicException
        if (existing.contains(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        if (Topic.hasCollisionChars(name)) {
            for (final String other : existing) {
                if (Topic.hasCollision(name, other)) {
                    throw new InvalidTopicException("Topic '" + name + "' collides with existing topic '" + other
                            + "' ('.' and '_' are treated alike)");
                }
            }
        }
    }

    public static void checkPartitionCount(final int partitions) {
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new InvalidPartitionsException("Number of partitions must be between 1 and " + MAX_PARTITIONS
                    + ", was " + partitions);
        }
    }

    public static void checkGrowth(final TopicMetadata topic, final int totalCount) {
        if (totalCount <= topic.partitions()) {
            throw new InvalidPartitionsException("Topic '" + topic.name() + "' has " + topic.partitions()
                    + " partitions; the new count " + totalCount + " must be larger");
        }
        checkPartitionCount(totalCount);
    }
}
