package io.ailurus.kafka.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * A group of the {@code consumer} protocol (KIP-848): the coordinator computes the assignment and hands it out
 * through heartbeats, one member at a time, without stopping the group.
 *
 * <p>Epochs: the group epoch moves when members or their subscriptions (or the subscribed topics' partition counts)
 * change; the target assignment is recomputed for it. A member reaches the target epoch in steps: first it must give
 * up partitions the target takes away (it is told its smaller assignment and keeps its epoch until it reports them
 * gone), then it gets the target's partitions that no other member still holds; the rest arrive once released.
 *
 * <p>Membership is not persisted: after a coordinator restart members are unknown and rejoin (their committed offsets
 * are persisted as usual). Not thread-safe: owned by the coordinator actor.
 */
final class ConsumerProtocolGroup {

    /** A member of a consumer-protocol group. */
    static final class Member {
        final String memberId;
        final String instanceId;
        int epoch;
        int previousEpoch;
        int rebalanceTimeoutMs;
        String clientId = "";
        String clientHost = "";
        List<String> subscribed = List.of();
        /** What the member has been told it owns. */
        Set<TopicPartition> assigned = new HashSet<>();
        /** Partitions the member was told to give up and has not yet reported gone. */
        Set<TopicPartition> pendingRevocation = new HashSet<>();
        /** What the member last reported owning. */
        Set<TopicPartition> owned = new HashSet<>();

        Member(final String memberId, final String instanceId) {
            this.memberId = memberId;
            this.instanceId = instanceId;
        }
    }

    final String groupId;
    int groupEpoch;
    int targetEpoch;
    /** The subscribed partition count the target was computed for (a topic that grows changes the target). */
    int targetPartitionCount = -1;
    final LinkedHashMap<String, Member> members = new LinkedHashMap<>();
    private final Map<String, Set<TopicPartition>> target = new HashMap<>();

    ConsumerProtocolGroup(final String groupId) {
        this.groupId = groupId;
    }

    String state() {
        if (members.isEmpty()) {
            return "Empty";
        }
        for (final Member m : members.values()) {
            if (m.epoch != targetEpoch || !m.pendingRevocation.isEmpty() || !m.assigned.equals(target(m.memberId))) {
                return "Reconciling";
            }
        }
        return "Stable";
    }

    Set<TopicPartition> target(final String memberId) {
        return target.getOrDefault(memberId, Set.of());
    }

    Member staticMember(final String instanceId) {
        for (final Member m : members.values()) {
            if (instanceId.equals(m.instanceId)) {
                return m;
            }
        }
        return null;
    }

    /** Recomputes the target assignment when the group epoch moved or the subscribed topics changed size. */
    void refreshTarget(final ToIntFunction<String> partitionsOf) {
        final Set<String> topics = new HashSet<>();
        members.values().forEach(m -> topics.addAll(m.subscribed));
        int count = 0;
        for (final String t : topics) {
            count += Math.max(0, partitionsOf.applyAsInt(t));
        }
        if (count != targetPartitionCount) {
            targetPartitionCount = count;
            if (targetEpoch == groupEpoch) {
                groupEpoch++;
            }
        }
        if (targetEpoch == groupEpoch) {
            return;
        }
        assign(partitionsOf);
        targetEpoch = groupEpoch;
    }

    /**
     * Uniform, sticky assignment: each partition goes to one member subscribed to its topic; members keep what they
     * had up to their fair share, and the rest goes to whoever has fewest.
     */
    private void assign(final ToIntFunction<String> partitionsOf) {
        final Map<String, Set<TopicPartition>> next = new LinkedHashMap<>();
        members.keySet().forEach(id -> next.put(id, new HashSet<>()));
        final Map<String, List<String>> subscribers = new HashMap<>();
        for (final Member m : members.values()) {
            for (final String t : m.subscribed) {
                subscribers.computeIfAbsent(t, k -> new ArrayList<>()).add(m.memberId);
            }
        }
        final List<TopicPartition> all = new ArrayList<>();
        subscribers.keySet().stream().sorted().forEach(t -> {
            for (int p = 0; p < partitionsOf.applyAsInt(t); p++) {
                all.add(new TopicPartition(t, p));
            }
        });
        final int quota = members.isEmpty() ? 0 : (all.size() + members.size() - 1) / members.size();
        final Set<TopicPartition> placed = new HashSet<>();
        for (final Member m : members.values()) {
            for (final TopicPartition tp : target(m.memberId)) {
                if (next.get(m.memberId).size() < quota && m.subscribed.contains(tp.topic())
                        && tp.partition() < partitionsOf.applyAsInt(tp.topic()) && placed.add(tp)) {
                    next.get(m.memberId).add(tp);
                }
            }
        }
        for (final TopicPartition tp : all) {
            if (placed.contains(tp)) {
                continue;
            }
            subscribers.get(tp.topic()).stream()
                    .min(Comparator.comparingInt((String id) -> next.get(id).size()))
                    .ifPresent(id -> next.get(id).add(tp));
        }
        target.clear();
        target.putAll(next);
    }

    /**
     * Moves {@code member} one step toward its target. Returns true when what the member was told it owns changed
     * (the heartbeat answer must then carry the assignment).
     */
    boolean reconcile(final Member member) {
        final Set<TopicPartition> goal = target(member.memberId);
        boolean changed = false;
        final Set<TopicPartition> toRevoke = new HashSet<>(member.assigned);
        toRevoke.removeAll(goal);
        if (!toRevoke.isEmpty()) {
            member.assigned.removeAll(toRevoke);
            member.pendingRevocation.addAll(toRevoke);
            changed = true;
        }
        member.pendingRevocation.removeIf(tp -> !member.owned.contains(tp));
        if (!member.pendingRevocation.isEmpty()) {
            return changed;   // wait until it reports them gone
        }
        for (final TopicPartition tp : goal) {
            if (!member.assigned.contains(tp) && !heldByAnother(tp, member)) {
                member.assigned.add(tp);
                changed = true;
            }
        }
        if (member.epoch != targetEpoch) {
            member.previousEpoch = member.epoch;
            member.epoch = targetEpoch;
            changed = true;
        }
        return changed;
    }

    private boolean heldByAnother(final TopicPartition tp, final Member member) {
        for (final Member m : members.values()) {
            if (m != member && (m.assigned.contains(tp) || m.pendingRevocation.contains(tp))) {
                return true;
            }
        }
        return false;
    }

    /** A static member's new incarnation takes over the target of the previous one. */
    void adopt(final String previousId, final String newId) {
        final Set<TopicPartition> previous = target.remove(previousId);
        if (previous != null) {
            target.put(newId, previous);
        }
    }

    void remove(final String memberId) {
        if (members.remove(memberId) != null) {
            target.remove(memberId);
            groupEpoch = Math.max(groupEpoch, targetEpoch) + 1;
        }
    }
}
