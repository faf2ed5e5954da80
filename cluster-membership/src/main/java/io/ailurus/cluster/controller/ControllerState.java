package io.ailurus.cluster.controller;

import io.ailurus.cluster.metadata.TopicRules;
import io.ailurus.cluster.security.AclEntry;
import io.ailurus.cluster.security.AclSet;
import io.ailurus.cluster.security.ScramCredentials;
import io.ailurus.cluster.transform.TransformMetadata;
import io.ailurus.cluster.transform.TransformRules;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The cluster metadata state machine: topics with their replica placement, registered brokers and the producer id
 * counter. Every controller member applies the same committed commands in the same order and so holds the same
 * state. Not thread-safe: one owner applies and publishes immutable views.
 */
public final class ControllerState {

    /** Producer ids below this are left to single-node brokers' own file-based source. */
    static final long FIRST_PRODUCER_ID = 1L << 32;

    private final Map<String, TopicAssignment> topics = new TreeMap<>();
    private final Map<Integer, BrokerRegistration> brokers = new TreeMap<>();
    private final Map<String, TransformMetadata> transforms = new TreeMap<>();
    private final ScramCredentials scramCredentials = new ScramCredentials();
    private final AclSet acls = new AclSet();
    private long nextProducerId = FIRST_PRODUCER_ID;
    private String clusterId;
    private long appliedOffset;

    public static ControllerState restore(final MetadataSnapshot snapshot) {
        final ControllerState state = new ControllerState();
        snapshot.topics().forEach(t -> state.topics.put(t.topic().name(), t));
        snapshot.brokers().forEach(b -> state.brokers.put(b.nodeId(), b));
        state.nextProducerId = snapshot.nextProducerId();
        state.appliedOffset = snapshot.appliedOffset();
        state.clusterId = snapshot.clusterId();
        snapshot.transforms().forEach(t -> state.transforms.put(t.name(), t));
        state.scramCredentials.restore(snapshot.scramCredentials());
        state.acls.add(snapshot.acls());
        return state;
    }

    public MetadataSnapshot snapshot() {
        return new MetadataSnapshot(appliedOffset, List.copyOf(topics.values()), List.copyOf(brokers.values()),
                nextProducerId, clusterId, List.copyOf(transforms.values()), scramCredentials.all(),
                List.copyOf(acls.entries()));
    }

    /** The id every broker reports to clients: the first registered broker's; null before any registered. */
    public String clusterId() {
        return clusterId;
    }

    /** The exclusive end offset of the controller log applied so far. */
    public long appliedOffset() {
        return appliedOffset;
    }

    public Collection<TopicAssignment> topics() {
        return topics.values();
    }

    public Optional<TopicAssignment> topic(final String name) {
        return Optional.ofNullable(topics.get(name));
    }

    public Collection<BrokerRegistration> brokers() {
        return brokers.values();
    }

    public Collection<TransformMetadata> transforms() {
        return transforms.values();
    }

    public ScramCredentials scramCredentials() {
        return scramCredentials;
    }

    public Collection<AclEntry> acls() {
        return acls.entries();
    }

    /** Applies one committed command found at {@code offset} of the controller log. */
    public ControllerResult apply(final ControllerCommand command, final long offset) {
        appliedOffset = offset + 1;
        try {
            return new ControllerResult.Applied(applyCommand(command));
        } catch (ApiException e) {
            return ControllerResult.Rejected.of(e);
        }
    }

    private Object applyCommand(final ControllerCommand command) {
        if (command instanceof ControllerCommand.RegisterBroker r) {
            final BrokerRegistration old = brokers.get(r.nodeId());
            final BrokerRegistration next = new BrokerRegistration(r.nodeId(), r.rack(),
                    old != null && old.decommissioned());
            brokers.put(r.nodeId(), next);
            if (clusterId == null && !r.clusterId().isEmpty()) {
                clusterId = r.clusterId();
            }
            return next;
        } else if (command instanceof ControllerCommand.CreateTopic c) {
            TopicRules.checkNewName(c.topic().name(), topics.keySet());
            TopicRules.checkPartitionCount(c.topic().partitions());
            checkPlacement(c.replicas(), c.topic().partitions(), c.topic().replicationFactor());
            final TopicAssignment created = new TopicAssignment(c.topic(), c.replicas());
            topics.put(c.topic().name(), created);
            return created;
        } else if (command instanceof ControllerCommand.DeleteTopic d) {
            existing(d.name());
            final String readBy = transforms.values().stream()
                    .filter(t -> t.inputTopic().equals(d.name()) || t.outputTopics().contains(d.name()))
                    .map(TransformMetadata::name).findFirst().orElse(null);
            if (readBy != null) {
                throw new PolicyViolationException("Topic '" + d.name() + "' is used by transform '" + readBy
                        + "'; delete the transform first");
            }
            topics.remove(d.name());
            return d.name();
        } else if (command instanceof ControllerCommand.CreatePartitions c) {
            final TopicAssignment topic = existing(c.name());
            final int total = topic.topic().partitions() + c.added().size();
            TopicRules.checkGrowth(topic.topic(), total);
            checkPlacement(c.added(), c.added().size(), topic.topic().replicationFactor());
            final List<List<Integer>> replicas = new ArrayList<>(topic.replicas());
            replicas.addAll(c.added());
            final TopicAssignment grown = new TopicAssignment(topic.topic().withPartitions(total), replicas,
                    topic.moves());
            topics.put(c.name(), grown);
            return grown;
        } else if (command instanceof ControllerCommand.ReplaceConfigs r) {
            final TopicAssignment topic = existing(r.name());
            if (!topic.topic().configs().equals(r.expected())) {
                throw new PolicyViolationException("Topic '" + r.name() + "' configs changed concurrently; retry");
            }
            final TopicAssignment changed = new TopicAssignment(topic.topic().withConfigs(r.configs()),
                    topic.replicas(), topic.moves());
            topics.put(r.name(), changed);
            return changed;
        } else if (command instanceof ControllerCommand.AllocateProducerIds a) {
            final long first = nextProducerId;
            nextProducerId += a.blockSize();
            return first;
        } else if (command instanceof ControllerCommand.MoveReplica m) {
            final TopicAssignment topic = existing(m.topic());
            final List<Integer> nodes = partition(topic, m.partition());
            if (topic.move(m.partition()).isPresent() || !nodes.contains(m.from()) || nodes.contains(m.to())
                    || !brokers.containsKey(m.to())) {
                throw new InvalidReplicationFactorException("cannot move " + m.topic() + "-" + m.partition()
                        + " from node " + m.from() + " to node " + m.to() + ": its replicas are " + nodes);
            }
            final TopicAssignment moving = topic.withMoveStarted(
                    new TopicAssignment.ReplicaMove(m.partition(), m.from(), m.to()));
            topics.put(m.topic(), moving);
            return moving;
        } else if (command instanceof ControllerCommand.CompleteMove c) {
            final TopicAssignment topic = existing(c.topic());
            final TopicAssignment.ReplicaMove move = topic.move(c.partition()).orElseThrow(() ->
                    new InvalidReplicationFactorException("no replica of " + c.topic() + "-" + c.partition()
                            + " is moving"));
            final TopicAssignment moved = topic.withMoveCompleted(move);
            topics.put(c.topic(), moved);
            return moved;
        } else if (command instanceof ControllerCommand.DecommissionBroker d) {
            final BrokerRegistration old = brokers.get(d.nodeId());
            if (old == null) {
                throw new InvalidReplicationFactorException("Broker " + d.nodeId() + " is not registered");
            }
            final BrokerRegistration next = new BrokerRegistration(old.nodeId(), old.rack(), true);
            brokers.put(d.nodeId(), next);
            return next;
        } else if (command instanceof ControllerCommand.DeployTransform d) {
            final TransformMetadata next = d.transform();
            TransformRules.check(next, transforms.get(next.name()), topics, transforms.values());
            transforms.put(next.name(), next);
            return next;
        } else if (command instanceof ControllerCommand.DeleteTransform d) {
            transform(d.name());
            transforms.remove(d.name());
            return d.name();
        } else if (command instanceof ControllerCommand.UpdateTransform u) {
            TransformMetadata changed = transform(u.name());
            if (u.environment() != null) {
                TransformRules.checkEnvironment(u.environment());
                changed = changed.withEnvironment(u.environment());
            }
            if (u.paused() != null) {
                changed = changed.withPaused(u.paused());
            }
            transforms.put(u.name(), changed);
            return changed;
        } else if (command instanceof ControllerCommand.UpsertScramCredential u) {
            scramCredentials.upsert(u.credential());
            return u.credential().user();
        } else if (command instanceof ControllerCommand.DeleteScramCredential d) {
            scramCredentials.delete(d.user(), d.mechanism());
            return d.user();
        } else if (command instanceof ControllerCommand.CreateAcls c) {
            c.acls().forEach(io.ailurus.cluster.security.AclRules::check);
            return acls.add(c.acls()).size();
        } else if (command instanceof ControllerCommand.DeleteAcls d) {
            return acls.remove(d.acls());
        }
        throw new IllegalArgumentException("unknown controller command " + command);
    }

    private static List<Integer> partition(final TopicAssignment topic, final int partition) {
        if (partition < 0 || partition >= topic.replicas().size()) {
            throw new UnknownTopicOrPartitionException("Partition " + topic.topic().name() + "-" + partition
                    + " does not exist.");
        }
        return topic.replicas().get(partition);
    }

    private TransformMetadata transform(final String name) {
        final TransformMetadata transform = transforms.get(name);
        if (transform == null) {
            throw new ResourceNotFoundException("transform '" + name + "' does not exist");
        }
        return transform;
    }

    private TopicAssignment existing(final String name) {
        final TopicAssignment topic = topics.get(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
        }
        return topic;
    }

    private void checkPlacement(final List<List<Integer>> replicas, final int partitions, final short rf) {
        if (replicas.size() != partitions) {
            throw new InvalidReplicationFactorException("placement covers " + replicas.size() + " of " + partitions
                    + " partitions");
        }
        for (final List<Integer> nodes : replicas) {
            if (nodes.size() != rf || nodes.stream().distinct().count() != rf || !brokers.keySet().containsAll(nodes)) {
                throw new InvalidReplicationFactorException("placement " + nodes + " does not name " + rf
                        + " distinct registered brokers");
            }
        }
    }

}
