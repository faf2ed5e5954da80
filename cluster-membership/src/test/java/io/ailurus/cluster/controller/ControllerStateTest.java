package io.ailurus.cluster.controller;

import io.ailurus.cluster.security.AclEntry;
import io.ailurus.cluster.security.StoredScramCredential;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.actors.serialization.KryoCodec;
import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.cluster.transform.TransformMetadata;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class ControllerStateTest {

    private final KryoCodec codec = new KryoCodec();
    private long offset;

    /** Applies a command as a member would: after it went through the log's encoding. */
    private ControllerResult apply(final ControllerState state, final ControllerCommand command) {
        return state.apply((ControllerCommand) codec.decode(codec.encode(command)), offset++);
    }

    private static TopicMetadata topic(final String name, final int partitions, final int rf) {
        return new TopicMetadata(name, Uuid.randomUuid(), partitions, (short) rf, Map.of("retention.ms", "1000"));
    }

    @Test
    void topicLifecycleAndErrorsAreDeterministic() {
        final ControllerState state = new ControllerState();
        for (int id = 1; id <= 3; id++) {
            apply(state, new ControllerCommand.RegisterBroker(id, ""));
        }
        final ControllerResult created = apply(state, new ControllerCommand.CreateTopic(topic("t", 2, 3),
                List.of(List.of(1, 2, 3), List.of(2, 3, 1))));
        assertInstanceOf(ControllerResult.Applied.class, created);
        assertInstanceOf(TopicExistsException.class, rejected(apply(state, new ControllerCommand.CreateTopic(
                topic("t", 1, 1), List.of(List.of(1))))));
        assertInstanceOf(InvalidReplicationFactorException.class, rejected(apply(state, new ControllerCommand.CreateTopic(
                topic("u", 1, 2), List.of(List.of(1, 9))))));

        apply(state, new ControllerCommand.CreatePartitions("t", List.of(List.of(3, 1, 2))));
        assertEquals(3, state.topic("t").orElseThrow().topic().partitions());
        assertEquals(List.of(3, 1, 2), state.topic("t").orElseThrow().replicas().get(2));

        assertInstanceOf(PolicyViolationException.class, rejected(apply(state, new ControllerCommand.ReplaceConfigs("t",
                Map.of(), Map.of("retention.ms", "5")))));
        apply(state, new ControllerCommand.ReplaceConfigs("t", Map.of("retention.ms", "1000"), Map.of("retention.ms", "5")));
        assertEquals(Map.of("retention.ms", "5"), state.topic("t").orElseThrow().topic().configs());

        final long first = (Long) ((ControllerResult.Applied) apply(state, new ControllerCommand.AllocateProducerIds(1, 1000))).value();
        final long second = (Long) ((ControllerResult.Applied) apply(state, new ControllerCommand.AllocateProducerIds(2, 1000))).value();
        assertEquals(first + 1000, second);

        apply(state, new ControllerCommand.DeleteTopic("t"));
        assertInstanceOf(UnknownTopicOrPartitionException.class, rejected(apply(state, new ControllerCommand.DeleteTopic("t"))));
        assertEquals(offset, state.appliedOffset());
    }

    @Test
    void snapshotRestoresTheSameState() {
        final ControllerState state = new ControllerState();
        apply(state, new ControllerCommand.RegisterBroker(1, "r1", "cluster-of-node-1"));
        apply(state, new ControllerCommand.RegisterBroker(2, "r2", "cluster-of-node-2"));
        assertEquals("cluster-of-node-1", state.clusterId(), "the first registered broker's id is the cluster's");
        apply(state, new ControllerCommand.CreateTopic(topic("t", 1, 2), List.of(List.of(1, 2))));
        apply(state, new ControllerCommand.AllocateProducerIds(1, 10));
        apply(state, new ControllerCommand.DecommissionBroker(2));
        final MetadataSnapshot snapshot = (MetadataSnapshot) codec.decode(codec.encode(state.snapshot()));
        final ControllerState restored = ControllerState.restore(snapshot);
        assertEquals(state.snapshot(), restored.snapshot());
        assertEquals(List.of(1, 2), restored.topic("t").orElseThrow().replicas().get(0));
        assertEquals("cluster-of-node-1", restored.clusterId());
    }

    @Test
    void aMoveAddsTheNewReplicaThenPutsItInTheLeavingOnesPlace() {
        final ControllerState state = new ControllerState();
        for (int id = 1; id <= 4; id++) {
            apply(state, new ControllerCommand.RegisterBroker(id, ""));
        }
        apply(state, new ControllerCommand.CreateTopic(topic("t", 2, 3), List.of(List.of(1, 2, 3), List.of(2, 3, 1))));
        assertInstanceOf(ControllerResult.Applied.class, apply(state, new ControllerCommand.MoveReplica("t", 0, 1, 4)));
        assertEquals(List.of(1, 2, 3, 4), state.topic("t").orElseThrow().replicas().get(0));
        assertInstanceOf(InvalidReplicationFactorException.class, rejected(apply(state,
                new ControllerCommand.MoveReplica("t", 0, 2, 4))), "one move per partition at a time");
        assertInstanceOf(InvalidReplicationFactorException.class, rejected(apply(state,
                new ControllerCommand.MoveReplica("t", 1, 4, 1))), "from a node that holds no replica");
        assertInstanceOf(InvalidReplicationFactorException.class, rejected(apply(state,
                new ControllerCommand.CompleteMove("t", 1))), "nothing moves there");

        final MetadataSnapshot snapshot = (MetadataSnapshot) codec.decode(codec.encode(state.snapshot()));
        final ControllerState restored = ControllerState.restore(snapshot);
        assertEquals(state.snapshot(), restored.snapshot(), "a move in flight survives a snapshot");

        apply(restored, new ControllerCommand.CompleteMove("t", 0));
        final TopicAssignment moved = restored.topic("t").orElseThrow();
        assertEquals(List.of(4, 2, 3), moved.replicas().get(0), "the new replica takes the preferred leader's place");
        assertEquals(List.of(), moved.moves());
        assertEquals(List.of(2, 3, 1), moved.replicas().get(1));
    }

    private static TransformMetadata transform(final String name, final String in, final List<String> out) {
        return new TransformMetadata(name, in, out, Map.of("K", "v"),
                new TransformMetadata.BinaryRef("id-" + name, 0, 1, 10, "00"),
                new TransformMetadata.StartPosition(TransformMetadata.StartPosition.Kind.TIMESTAMP, 5), false, 5);
    }

    @Test
    void transformsFollowRedpandasRulesAndSurviveASnapshot() {
        final ControllerState state = new ControllerState();
        apply(state, new ControllerCommand.RegisterBroker(1, ""));
        for (final String t : List.of("a", "b", "c", "__internal")) {
            apply(state, new ControllerCommand.CreateTopic(topic(t, 2, 1), List.of(List.of(1), List.of(1))));
        }
        assertInstanceOf(ControllerResult.Applied.class,
                apply(state, new ControllerCommand.DeployTransform(transform("ab", "a", List.of("b")))));
        assertInstanceOf(UnknownTopicOrPartitionException.class, rejected(apply(state,
                new ControllerCommand.DeployTransform(transform("x", "nope", List.of("b"))))));
        assertInstanceOf(InvalidRequestException.class, rejected(apply(state,
                new ControllerCommand.DeployTransform(transform("x", "a", List.of())))));
        assertInstanceOf(InvalidRequestException.class, rejected(apply(state,
                new ControllerCommand.DeployTransform(transform("x", "a", List.of("b", "b"))))));
        assertInstanceOf(InvalidRequestException.class, rejected(apply(state,
                new ControllerCommand.DeployTransform(transform("x", "a", List.of("__internal"))))));
        final Exception cycle = rejected(apply(state,
                new ControllerCommand.DeployTransform(transform("ba", "b", List.of("c", "a")))));
        assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());
        final Exception moved = rejected(apply(state,
                new ControllerCommand.DeployTransform(transform("ab", "a", List.of("c")))));
        assertTrue(moved.getMessage().contains("may change its binary and environment only"), moved.getMessage());
        assertInstanceOf(InvalidConfigurationException.class, rejected(apply(state,
                new ControllerCommand.UpdateTransform("ab", Map.of("REDPANDA_X", "1"), null))));
        assertInstanceOf(PolicyViolationException.class, rejected(apply(state,
                new ControllerCommand.DeleteTopic("b"))), "a topic a transform writes cannot be deleted under it");

        apply(state, new ControllerCommand.UpdateTransform("ab", Map.of("NEW", "1"), true));
        final ControllerState restored = ControllerState.restore(
                (MetadataSnapshot) codec.decode(codec.encode(state.snapshot())));
        final TransformMetadata ab = ControllerImage.of(restored).transforms().get("ab");
        assertEquals(Map.of("NEW", "1"), ab.environment());
        assertTrue(ab.paused());
        assertInstanceOf(ResourceNotFoundException.class, rejected(apply(restored,
                new ControllerCommand.DeleteTransform("nope"))));
        apply(restored, new ControllerCommand.DeleteTransform("ab"));
        assertTrue(ControllerImage.of(restored).transforms().isEmpty());
    }

    @Test
    void snapshotsWrittenBeforeTransformsAndBeforeSecurityStillLoad() {
        final ControllerState state = new ControllerState();
        apply(state, new ControllerCommand.RegisterBroker(1, "r1", "c"));
        apply(state, new ControllerCommand.CreateTopic(topic("t", 1, 1), List.of(List.of(1))));
        final MetadataSnapshot now = state.snapshot();
        final byte[] v1 = codec.encode(new ControllerSnapshot(now.appliedOffset(), now.topics(), now.brokers(),
                now.nextProducerId(), now.clusterId()));
        assertEquals(ControllerImage.of(state), ControllerImage.of(ControllerState.restore(
                MetadataSnapshot.of(codec.decode(v1)))));
        final byte[] v2 = codec.encode(new ControllerStateSnapshot(now.appliedOffset(), now.topics(), now.brokers(),
                now.nextProducerId(), now.clusterId(), now.transforms()));
        assertEquals(ControllerImage.of(state), ControllerImage.of(ControllerState.restore(
                MetadataSnapshot.of(codec.decode(v2)))));
    }

    @Test
    void usersAndAclsAreAppliedAndSurviveASnapshot() {
        final ControllerState state = new ControllerState();
        final StoredScramCredential alice = new StoredScramCredential("alice", "SCRAM-SHA-256", new byte[] {1},
                new byte[] {2}, new byte[] {3}, 4096);
        apply(state, new ControllerCommand.UpsertScramCredential(alice));
        final AclEntry readOrders = AclEntry.of(new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, "orders", PatternType.LITERAL),
                new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW)));
        apply(state, new ControllerCommand.CreateAcls(List.of(readOrders)));
        apply(state, new ControllerCommand.CreateAcls(List.of(readOrders)));   // creating it again changes nothing
        final ControllerState restored = ControllerState.restore(
                (MetadataSnapshot) codec.decode(codec.encode(state.snapshot())));
        final ControllerImage image = ControllerImage.of(restored);
        assertArrayEquals(new byte[] {2}, image.scramCredential("alice", "SCRAM-SHA-256").orElseThrow().storedKey());
        assertTrue(image.scramCredential("alice", "SCRAM-SHA-512").isEmpty());
        assertEquals(List.of(readOrders), image.acls());

        assertInstanceOf(ResourceNotFoundException.class, rejected(apply(restored,
                new ControllerCommand.DeleteScramCredential("alice", "SCRAM-SHA-512"))));
        apply(restored, new ControllerCommand.DeleteScramCredential("alice", "SCRAM-SHA-256"));
        apply(restored, new ControllerCommand.DeleteAcls(List.of(readOrders)));
        assertTrue(ControllerImage.of(restored).scramCredentials().isEmpty());
        assertTrue(ControllerImage.of(restored).acls().isEmpty());
        assertInstanceOf(org.apache.kafka.common.errors.InvalidRequestException.class, rejected(apply(restored,
                new ControllerCommand.CreateAcls(List.of(new AclEntry(ResourceType.TOPIC.code(), "",
                        PatternType.LITERAL.code(), "User:bob", "*", AclOperation.READ.code(),
                        AclPermissionType.ALLOW.code()))))), "an ACL on an empty name is refused");
    }

    private static Exception rejected(final ControllerResult result) {
        return ((ControllerResult.Rejected) result).exception();
    }
}
