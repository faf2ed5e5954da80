package io.ailurus.kafka.group;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumer group of the classic protocol, as its coordinator holds it: state, generation, members, and the
 * offsets committed for it.
 *
 * <p>States and transitions (Kafka's):
 * <pre>
 * Empty ──join──▶ PreparingRebalance ──all joined / rebalance timeout──▶ CompletingRebalance ──leader's sync──▶ Stable
 *   ▲                    ▲                                                     │                                │
 *   └──last member gone──┴──────────────── member joins, leaves or expires ◀──┴────────────────────────────────┘
 * Dead: deleted (DeleteGroups, or empty with no offsets left).
 * </pre>
 */
final class ClassicGroup {

    enum State {
        EMPTY("Empty"), PREPARING_REBALANCE("PreparingRebalance"), COMPLETING_REBALANCE("CompletingRebalance"),
        STABLE("Stable"), DEAD("Dead");

        final String display;

        State(final String display) {
            this.display = display;
        }
    }

    /** A committed offset. */
    record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
    }

    final String groupId;
    State state = State.EMPTY;
    String protocolType;
    String protocolName;
    int generationId;
    String leaderId;
    final LinkedHashMap<String, GroupMember> members = new LinkedHashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet. */
    final Set<String> pendingMembers = new HashSet<>();
    /** group.instance.id → member id of the current static member. */
    final Map<String, String> staticMembers = new HashMap<>();
    final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
    /** When the current rebalance started, to bound the initial join delay. */
    long rebalanceStartMs;
    /** The current rebalance started from Empty, so it waits the initial delay for more members (Kafka's rule). */
    boolean initialJoinDelay;

    ClassicGroup(final String groupId) {
        this.groupId = groupId;
    }

    boolean is(final State s) {
        return state == s;
    }

    void add(final GroupMember member) {
        if (members.isEmpty()) {
            protocolType = member.protocolType;
        }
        members.put(member.memberId, member);
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId, member.memberId);
        }
        if (leaderId == null) {
            leaderId = member.memberId;
        }
    }

    GroupMember remove(final String memberId) {
        final GroupMember removed = members.remove(memberId);
        if (removed != null && removed.isStatic()) {
            staticMembers.remove(removed.groupInstanceId, memberId);
        }
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        return removed;
    }

    boolean allMembersJoined() {
        return pendingMembers.isEmpty() && members.values().stream().allMatch(m -> m.awaitingJoin != null);
    }

    int maxRebalanceTimeoutMs() {
        return members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
    }

    /** The protocol every member supports that most members list first-most (Kafka's vote). */
    String selectProtocol() {
        final Map<String, Integer> votes = new LinkedHashMap<>();
        for (final GroupMember m : members.values()) {
            for (final GroupMember.Protocol p : m.protocols) {
                if (members.values().stream().allMatch(o -> o.supports(p.name()))) {
                    votes.merge(p.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    /** Would a member with these protocols have at least one protocol in common with everyone? */
    boolean acceptsProtocols(final String type, final java.util.List<GroupMember.Protocol> protocols) {
        if (members.isEmpty()) {
            return true;
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        for (final GroupMember.Protocol p : protocols) {
            if (members.values().stream().allMatch(m -> m.supports(p.name()))) {
                return true;
            }
        }
        return false;
    }

    /** The topics the members subscribe to, when they are consumers whose subscription we can read; else null. */
    Set<String> subscribedTopics() {
        if (!"consumer".equals(protocolType) || protocolName == null) {
            return null;
        }
        final Set<String> topics = new HashSet<>();
        for (final GroupMember m : members.values()) {
            try {
                topics.addAll(org.apache.kafka.clients.consumer.internals.ConsumerProtocol
                        .deserializeSubscription(java.nio.ByteBuffer.wrap(m.metadata(protocolName))).topics());
            } catch (RuntimeException e) {
                return null;
            }
        }
        return topics;
    }
}
