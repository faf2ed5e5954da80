package io.ailurus.kafka.group;

import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.cluster.metadata.TopicStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer group protocol (KIP-848, ConsumerGroupHeartbeat) for the groups of one coordinator: joins, leaves,
 * heartbeats that carry the server-computed assignment, session and revocation timeouts. A state machine beside
 * {@link ClassicGroupProtocol}: requests and timers in, answers and timers out (through {@link GroupEffects}); its
 * members are not persisted (a new coordinator starts them over), the groups' offsets are, by {@link GroupOffsets}.
 */
final class ConsumerProtocolCoordinator {

    /** Epochs a member sends to leave: -1 for dynamic members, -2 for a static member that will come back. */
    private static final int LEAVE_EPOCH = -1;
    private static final int STATIC_LEAVE_EPOCH = -2;

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerProtocolCoordinator.class);

    private final GroupEffects effects;
    private final TopicStore topics;
    private final GroupSettings settings;
    private final Map<String, ConsumerProtocolGroup> groups = new HashMap<>();

    ConsumerProtocolCoordinator(final GroupEffects effects, final TopicStore topics, final GroupSettings settings) {
        this.effects = effects;
        this.topics = topics;
        this.settings = settings;
    }

    /** True when a consumer-protocol group of this id has members. */
    boolean isActive(final String groupId) {
        final ConsumerProtocolGroup g = groups.get(groupId);
        return g != null && !g.members.isEmpty();
    }

    ConsumerGroupHeartbeatResponseData heartbeat(final ConsumerGroupHeartbeatRequestData req, final String clientId,
            final String clientHost) {
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return error(Errors.INVALID_REQUEST, "GroupId can't be empty.");
        }
        final int epoch = req.memberEpoch();
        ConsumerProtocolGroup group = groups.get(req.groupId());
        if (epoch == LEAVE_EPOCH || epoch == STATIC_LEAVE_EPOCH) {
            if (group != null) {
                final ConsumerProtocolGroup.Member m = req.memberId().isEmpty() && req.instanceId() != null
                        ? group.staticMember(req.instanceId()) : group.members.get(req.memberId());
                if (m != null) {
                    remove(group, m, "left the group");
                }
            }
            return new ConsumerGroupHeartbeatResponseData().setMemberId(req.memberId()).setMemberEpoch(epoch)
                    .setHeartbeatIntervalMs(settings.consumerHeartbeatIntervalMs());
        }
        final ConsumerProtocolGroup.Member member;
        if (epoch == 0) {
            if (req.subscribedTopicNames() == null) {
                return error(Errors.INVALID_REQUEST, "SubscribedTopicNames must be set in the first request (regular "
                        + "expression subscriptions are not supported).");
            }
            if (req.serverAssignor() != null && !"uniform".equals(req.serverAssignor()) && !"range".equals(req.serverAssignor())) {
                return error(Errors.UNSUPPORTED_ASSIGNOR, "Assignor " + req.serverAssignor() + " is not supported; use uniform.");
            }
            if (group == null) {
                group = new ConsumerProtocolGroup(req.groupId());
                groups.put(req.groupId(), group);
            }
            member = join(group, req);
        } else {
            member = group == null ? null : group.members.get(req.memberId());
            if (member == null) {
                return error(Errors.UNKNOWN_MEMBER_ID, "Member " + req.memberId() + " is not a member of group " + req.groupId() + ".");
            }
            final Set<TopicPartition> reported = owned(req);
            if (epoch != member.epoch && !(epoch == member.previousEpoch && reported != null
                    && union(member.assigned, member.pendingRevocation).containsAll(reported))) {
                return error(Errors.FENCED_MEMBER_EPOCH, "The member epoch " + epoch + " is not the current one ("
                        + member.epoch + ").");
            }
            if (req.subscribedTopicNames() != null && !req.subscribedTopicNames().equals(member.subscribed)) {
                member.subscribed = List.copyOf(req.subscribedTopicNames());
                group.groupEpoch = Math.max(group.groupEpoch, group.targetEpoch) + 1;
            }
        }
        if (req.rebalanceTimeoutMs() > 0) {
            member.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        }
        member.clientId = clientId;
        member.clientHost = clientHost;
        final Set<TopicPartition> reported = owned(req);
        if (reported != null) {
            member.owned = reported;
        }
        group.refreshTarget(this::partitionCount);
        final boolean changed = group.reconcile(member);
        effects.schedule(sessionKey(group, member), new GroupTimer.ConsumerSessionExpired(group.groupId,
                member.memberId), settings.consumerSessionTimeoutMs());
        if (!member.pendingRevocation.isEmpty() && !effects.isScheduled(revocationKey(group, member))) {
            effects.schedule(revocationKey(group, member), new GroupTimer.RevocationDeadline(
                    group.groupId, member.memberId, member.epoch), Math.max(1, member.rebalanceTimeoutMs));
        } else if (member.pendingRevocation.isEmpty()) {
            effects.cancel(revocationKey(group, member));
        }
        final ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(member.memberId).setMemberEpoch(member.epoch)
                .setHeartbeatIntervalMs(settings.consumerHeartbeatIntervalMs());
        if (changed || epoch == 0 || (reported != null && !reported.equals(member.assigned))) {
            response.setAssignment(assignment(member.assigned));
        }
        return response;
    }

    private ConsumerProtocolGroup.Member join(final ConsumerProtocolGroup group, final ConsumerGroupHeartbeatRequestData req) {
        final String memberId = req.memberId().isEmpty() ? Uuid.randomUuid().toString() : req.memberId();
        ConsumerProtocolGroup.Member member = group.members.get(memberId);
        if (member == null && req.instanceId() != null) {
            final ConsumerProtocolGroup.Member previous = group.staticMember(req.instanceId());
            if (previous != null) {
                // A static member back under a new id takes over the previous incarnation's place and partitions.
                member = new ConsumerProtocolGroup.Member(memberId, req.instanceId());
                member.assigned = previous.assigned;
                member.subscribed = previous.subscribed;
                member.epoch = previous.epoch;
                effects.cancel(sessionKey(group, previous));
                group.members.remove(previous.memberId);
                group.members.put(memberId, member);
                group.adopt(previous.memberId, memberId);
            }
        }
        if (member == null) {
            member = new ConsumerProtocolGroup.Member(memberId, req.instanceId());
            group.members.put(memberId, member);
            group.groupEpoch = Math.max(group.groupEpoch, group.targetEpoch) + 1;
            LOG.info("Member {} joined consumer group {} (consumer protocol)", memberId, group.groupId);
        } else if (member.epoch != 0 && req.instanceId() == null) {
            // Rejoining with epoch 0 after being fenced: it owns nothing any more.
            member.assigned.clear();
            member.pendingRevocation.clear();
        }
        final List<String> subscribed = List.copyOf(req.subscribedTopicNames());
        if (!subscribed.equals(member.subscribed)) {
            member.subscribed = subscribed;
            group.groupEpoch = Math.max(group.groupEpoch, group.targetEpoch) + 1;
        }
        return member;
    }

    void sessionExpired(final GroupTimer.ConsumerSessionExpired expired) {
        final ConsumerProtocolGroup group = groups.get(expired.groupId());
        final ConsumerProtocolGroup.Member m = group == null ? null : group.members.get(expired.memberId());
        if (m != null) {
            remove(group, m, "expired: no heartbeat within " + settings.consumerSessionTimeoutMs() + " ms");
        }
    }

    void revocationDeadline(final GroupTimer.RevocationDeadline deadline) {
        final ConsumerProtocolGroup group = groups.get(deadline.groupId());
        final ConsumerProtocolGroup.Member m = group == null ? null : group.members.get(deadline.memberId());
        if (m != null && m.epoch == deadline.epoch() && !m.pendingRevocation.isEmpty()) {
            remove(group, m, "fenced: did not give up " + m.pendingRevocation + " within its rebalance timeout");
        }
    }

    private void remove(final ConsumerProtocolGroup group, final ConsumerProtocolGroup.Member m, final String why) {
        effects.cancel(sessionKey(group, m));
        effects.cancel(revocationKey(group, m));
        group.remove(m.memberId);
        LOG.info("Member {} of consumer group {} {}", m.memberId, group.groupId, why);
    }

    /** A member of an active consumer-protocol group may commit only with its current epoch. */
    Errors checkCommit(final String groupId, final String memberId, final int epoch) {
        final ConsumerProtocolGroup group = groups.get(groupId);
        final ConsumerProtocolGroup.Member m = group.members.get(memberId);
        if (m == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return epoch == m.epoch ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
    }

    List<ListGroupsResponseData.ListedGroup> listed() {
        final List<ListGroupsResponseData.ListedGroup> out = new ArrayList<>();
        for (final ConsumerProtocolGroup g : groups.values()) {
            if (!g.members.isEmpty()) {
                out.add(new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId).setProtocolType("consumer")
                        .setGroupState(g.state()).setGroupType("consumer"));
            }
        }
        return out;
    }

    /** The group as DescribeGroups shows it: members with their subscription and assignment in the consumer format. */
    DescribeGroupsResponseData.DescribedGroup describe(final String groupId) {
        final ConsumerProtocolGroup g = groups.get(groupId);
        final DescribeGroupsResponseData.DescribedGroup out = new DescribeGroupsResponseData.DescribedGroup()
                .setGroupId(groupId).setGroupState(g.state()).setProtocolType("consumer").setProtocolData("uniform");
        for (final ConsumerProtocolGroup.Member m : g.members.values()) {
            out.members().add(new DescribeGroupsResponseData.DescribedGroupMember()
                    .setMemberId(m.memberId).setGroupInstanceId(m.instanceId).setClientId(m.clientId)
                    .setClientHost(m.clientHost)
                    .setMemberMetadata(bytes(ConsumerProtocol.serializeSubscription(
                            new ConsumerPartitionAssignor.Subscription(m.subscribed))))
                    .setMemberAssignment(bytes(ConsumerProtocol.serializeAssignment(
                            new ConsumerPartitionAssignor.Assignment(new ArrayList<>(m.assigned))))));
        }
        return out;
    }

    /**
     * The group as ConsumerGroupDescribe shows it, or GROUP_ID_NOT_FOUND when it is not a consumer-protocol group
     * (Kafka's answer, on which kafka-clients' admin asks again with DescribeGroups).
     */
    ConsumerGroupDescribeResponseData.DescribedGroup describeConsumerGroup(final String groupId) {
        final ConsumerProtocolGroup g = groups.get(groupId);
        final ConsumerGroupDescribeResponseData.DescribedGroup out =
                new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId);
        if (g == null || g.members.isEmpty()) {
            return out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + groupId + " is not a consumer group.");
        }
        out.setGroupState(g.state()).setGroupEpoch(g.groupEpoch).setAssignmentEpoch(g.targetEpoch)
                .setAssignorName("uniform");
        for (final ConsumerProtocolGroup.Member m : g.members.values()) {
            out.members().add(new ConsumerGroupDescribeResponseData.Member()
                    .setMemberId(m.memberId).setInstanceId(m.instanceId).setMemberEpoch(m.epoch)
                    .setClientId(m.clientId).setClientHost(m.clientHost).setSubscribedTopicNames(m.subscribed)
                    .setAssignment(describedAssignment(m.assigned))
                    .setTargetAssignment(describedAssignment(g.target(m.memberId)))
                    .setMemberType((byte) 1));
        }
        return out;
    }

    private ConsumerGroupDescribeResponseData.Assignment describedAssignment(final Set<TopicPartition> partitions) {
        final Map<String, List<Integer>> byTopic = new java.util.TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        final ConsumerGroupDescribeResponseData.Assignment a = new ConsumerGroupDescribeResponseData.Assignment();
        byTopic.forEach((topic, parts) -> topics.topic(topic).ifPresent(t -> {
            parts.sort(Integer::compare);
            a.topicPartitions().add(new ConsumerGroupDescribeResponseData.TopicPartitions()
                    .setTopicId(t.id()).setTopicName(topic).setPartitions(parts));
        }));
        return a;
    }

    private static byte[] bytes(final ByteBuffer buffer) {
        final byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private int partitionCount(final String topic) {
        return topics.topic(topic).map(TopicMetadata::partitions).orElse(0);
    }

    private Set<TopicPartition> owned(final ConsumerGroupHeartbeatRequestData req) {
        if (req.topicPartitions() == null) {
            return null;
        }
        final Set<TopicPartition> out = new HashSet<>();
        for (final ConsumerGroupHeartbeatRequestData.TopicPartitions tp : req.topicPartitions()) {
            final Optional<TopicMetadata> topic = topics.topic(tp.topicId());
            topic.ifPresent(t -> tp.partitions().forEach(p -> out.add(new TopicPartition(t.name(), p))));
        }
        return out;
    }

    private ConsumerGroupHeartbeatResponseData.Assignment assignment(final Set<TopicPartition> partitions) {
        final Map<String, List<Integer>> byTopic = new HashMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        final ConsumerGroupHeartbeatResponseData.Assignment a = new ConsumerGroupHeartbeatResponseData.Assignment();
        byTopic.forEach((topic, parts) -> topics.topic(topic).ifPresent(t -> a.topicPartitions().add(
                new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(t.id()).setPartitions(parts))));
        return a;
    }

    private static Set<TopicPartition> union(final Set<TopicPartition> a, final Set<TopicPartition> b) {
        final Set<TopicPartition> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    private static ConsumerGroupHeartbeatResponseData error(final Errors error, final String message) {
        return new ConsumerGroupHeartbeatResponseData().setErrorCode(error.code()).setErrorMessage(message)
                .setMemberEpoch(-1);
    }

    private static String sessionKey(final ConsumerProtocolGroup g, final ConsumerProtocolGroup.Member m) {
        return "consumer-session/" + g.groupId + "/" + m.memberId;
    }

    private static String revocationKey(final ConsumerProtocolGroup g, final ConsumerProtocolGroup.Member m) {
        return "consumer-revocation/" + g.groupId + "/" + m.memberId;
    }
}
