package io.ailurus.kafka.handler;

import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import io.ailurus.partition.replica.ReplicaHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Partition-level facts shared by the handlers of a single node: where a partition named in a request lives, Kafka's
 * leader-epoch fencing, and what a manual replica assignment may say.
 */
final class TopicPartitions {

    /** This node leads every partition, and no election ever happened: the leader epoch is always 0. */

    private TopicPartitions() {
    }

    /**
     * A partition resolved to its running replica, or the error Kafka answers instead.
     *
     * @param replica the running local replica when {@code error} is NONE, else null
     */
    record Lookup(ReplicaHandle replica, Errors error) {

        boolean found() {
            return error == Errors.NONE;
        }
    }

    /**
     * TOPIC_AUTHORIZATION_FAILED when the client may not do {@code operation} on the topic (whether or not it exists);
     * UNKNOWN_TOPIC_OR_PARTITION when the topic or the partition does not exist; NOT_LEADER_OR_FOLLOWER when it exists
     * but its replica is not running (yet, or any more): clients refresh metadata and retry on that one.
     */
    static Lookup lookup(final BrokerServices services, final RequestContext context, final AclOperation operation,
            final String topic, final int partition) {
        if (topic != null && !context.authorized(operation, ResourceType.TOPIC, topic)) {
            return new Lookup(null, Errors.TOPIC_AUTHORIZATION_FAILED);
        }
        final Optional<TopicMetadata> metadata = topic == null ? Optional.empty() : services.topics().topic(topic);
        if (metadata.isEmpty() || partition < 0 || partition >= metadata.get().partitions()) {
            return new Lookup(null, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        final ReplicaHandle replica = services.replicas().leader(new TopicPartition(topic, partition));
        return replica == null ? new Lookup(null, Errors.NOT_LEADER_OR_FOLLOWER) : new Lookup(replica, Errors.NONE);
    }

    /**
     * Kafka's check of the leader epoch a client believes current (-1: not given, no check): an older one is fenced,
     * a newer one means this broker has not learnt of the election yet.
     */
    static Errors checkCurrentLeaderEpoch(final int currentLeaderEpoch, final int leaderEpoch) {
        if (currentLeaderEpoch == RecordBatch.NO_PARTITION_LEADER_EPOCH) {
            return Errors.NONE;
        }
        if (currentLeaderEpoch < leaderEpoch) {
            return Errors.FENCED_LEADER_EPOCH;
        }
        return currentLeaderEpoch > leaderEpoch ? Errors.UNKNOWN_LEADER_EPOCH : Errors.NONE;
    }

    /**
     * Why a manual assignment of one partition's replicas is invalid (Kafka's messages), or null when it is valid.
     * With one broker, the only valid assignment is this node alone.
     */
    static String invalidAssignment(final List<Integer> brokerIds, final int nodeId) {
        if (brokerIds == null || brokerIds.isEmpty()) {
            return "The manual partition assignment includes an empty replica list.";
        }
        final List<Integer> sorted = new ArrayList<>(brokerIds);
        sorted.sort(Integer::compare);
        Integer previous = null;
        for (final Integer brokerId : sorted) {
            if (brokerId != nodeId) {
                return "The manual partition assignment includes broker " + brokerId
                        + ", but no such broker is registered.";
            }
            if (brokerId.equals(previous)) {
                return "The manual partition assignment includes the broker " + brokerId + " more than once.";
            }
            previous = brokerId;
        }
        return null;
    }
}
