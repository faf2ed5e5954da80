package io.ailurus.cluster.controller;

import io.ailurus.actors.serialization.KryoMessage;
import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.cluster.security.AclEntry;
import io.ailurus.cluster.security.StoredScramCredential;
import io.ailurus.cluster.transform.TransformMetadata;
import java.util.List;
import java.util.Map;

/**
 * A change to the cluster's metadata, proposed to the controller's Raft group and applied in log order by every
 * controller member. Commands carry decisions already made (ids, placements), so applying one is deterministic.
 */
public sealed interface ControllerCommand extends KryoMessage {

    /** {@code clusterId}: the broker's own; the first registration's becomes the cluster's. */
    record RegisterBroker(int nodeId, String rack, String clusterId) implements ControllerCommand {

        public RegisterBroker(final int nodeId, final String rack) {
            this(nodeId, rack, "");
        }
    }

    record CreateTopic(TopicMetadata topic, List<List<Integer>> replicas) implements ControllerCommand {
    }

    record DeleteTopic(String name) implements ControllerCommand {
    }

    record CreatePartitions(String name, List<List<Integer>> added) implements ControllerCommand {
    }

    /** Compare-and-set of a topic's configs: refused if they are no longer {@code expected}. */
    record ReplaceConfigs(String name, Map<String, String> expected, Map<String, String> configs)
            implements ControllerCommand {
    }

    /** Hands {@code nodeId} the next block of producer ids; applying it answers the block's first id. */
    record AllocateProducerIds(int nodeId, int blockSize) implements ControllerCommand {
    }

    /**
     * Starts moving a partition's replica from node {@code from} to node {@code to}: {@code to} joins the replicas
     * (the partition's leader adds it as a learner, then as a voter); {@code from} stays until {@link CompleteMove}.
     */
    record MoveReplica(String topic, int partition, int from, int to) implements ControllerCommand {
    }

    /** Ends a move whose new replica is a voter: the leaving node's place in the replica list goes to the new one. */
    record CompleteMove(String topic, int partition) implements ControllerCommand {
    }

    record DecommissionBroker(int nodeId) implements ControllerCommand {
    }

    /** Deploys a transform, or re-deploys one of the same name (new binary or environment, same topics). */
    record DeployTransform(TransformMetadata transform) implements ControllerCommand {
    }

    record DeleteTransform(String name) implements ControllerCommand {
    }

    /** Changes a transform's environment (when not null; it replaces the whole map) and whether it is paused. */
    record UpdateTransform(String name, Map<String, String> environment, Boolean paused)
            implements ControllerCommand {
    }

    /** Creates or replaces a user's credential for one SCRAM mechanism (KIP-554 upsertion). */
    record UpsertScramCredential(StoredScramCredential credential) implements ControllerCommand {
    }

    /** Removes a user's credential for one mechanism; refused (RESOURCE_NOT_FOUND) if it has none. */
    record DeleteScramCredential(String user, String mechanism) implements ControllerCommand {
    }

    record CreateAcls(List<AclEntry> acls) implements ControllerCommand {
    }

    /** Removes these exact entries (the broker resolved the DeleteAcls filters); absent ones are ignored. */
    record DeleteAcls(List<AclEntry> acls) implements ControllerCommand {
    }
}
