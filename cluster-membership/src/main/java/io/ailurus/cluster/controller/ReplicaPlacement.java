package io.ailurus.cluster.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Decides where replicas go: each new partition's preferred leader is the broker leading the fewest partitions, its
 * followers the brokers holding the fewest replicas, preferring racks the partition does not use yet. Counting the
 * existing placement keeps the cluster even as topics come and go. Ties go to the lowest node id, so every controller
 * member would decide alike (the leader decides; the decision travels in the command).
 */
public final class ReplicaPlacement {

    private final List<BrokerRegistration> eligible;
    private final Map<Integer, Integer> replicaCount = new HashMap<>();
    private final Map<Integer, Integer> leaderCount = new HashMap<>();

    /** {@code brokers}: the candidates (registered, not decommissioned); {@code existing}: today's placement. */
    public ReplicaPlacement(final Collection<BrokerRegistration> brokers, final Collection<TopicAssignment> existing) {
        this.eligible = brokers.stream().filter(b -> !b.decommissioned())
                .sorted(Comparator.comparingInt(BrokerRegistration::nodeId)).toList();
        for (final TopicAssignment topic : existing) {
            for (final List<Integer> nodes : topic.replicas()) {
                if (!nodes.isEmpty()) {
                    leaderCount.merge(nodes.get(0), 1, Integer::sum);
                }
                nodes.forEach(n -> replicaCount.merge(n, 1, Integer::sum));
            }
        }
    }

    /** Places {@code partitions} new partitions with {@code replicationFactor} replicas each. */
    public List<List<Integer>> place(final int partitions, final int replicationFactor) {
        if (replicationFactor < 1 || replicationFactor > eligible.size()) {
            throw new InvalidReplicationFactorException("Replication factor " + replicationFactor
                    + " is larger than the " + eligible.size() + " available broker(s)");
        }
        final List<List<Integer>> placed = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            final List<Integer> nodes = new ArrayList<>();
            final Set<String> racks = new HashSet<>();
            final BrokerRegistration leader = eligible.stream()
                    .min(Comparator.comparingInt((BrokerRegistration b) -> leaderCount.getOrDefault(b.nodeId(), 0))
                            .thenComparingInt(b -> replicaCount.getOrDefault(b.nodeId(), 0))
                            .thenComparingInt(BrokerRegistration::nodeId))
                    .orElseThrow();
            add(nodes, racks, leader);
            leaderCount.merge(leader.nodeId(), 1, Integer::sum);
            while (nodes.size() < replicationFactor) {
                add(nodes, racks, follower(nodes, racks).orElseThrow());
            }
            placed.add(List.copyOf(nodes));
        }
        return placed;
    }

    /**
     * The broker that should replace {@code leaving} in a partition held by {@code current}, or empty if no broker
     * is free to take it.
     */
    public Optional<Integer> replacementFor(final List<Integer> current, final int leaving) {
        final List<Integer> staying = current.stream().filter(n -> n != leaving).toList();
        final Set<String> racks = new HashSet<>();
        eligible.stream().filter(b -> staying.contains(b.nodeId())).forEach(b -> racks.add(b.rack()));
        return follower(current, racks).map(BrokerRegistration::nodeId);
    }

    private Optional<BrokerRegistration> follower(final List<Integer> taken, final Set<String> racks) {
        return eligible.stream()
                .filter(b -> !taken.contains(b.nodeId()))
                .min(Comparator.comparingInt((BrokerRegistration b) -> racks.contains(b.rack()) ? 1 : 0)
                        .thenComparingInt(b -> replicaCount.getOrDefault(b.nodeId(), 0))
                        .thenComparingInt(BrokerRegistration::nodeId));
    }

    private void add(final List<Integer> nodes, final Set<String> racks, final BrokerRegistration broker) {
        nodes.add(broker.nodeId());
        if (!broker.rack().isEmpty()) {
            racks.add(broker.rack());
        }
        replicaCount.merge(broker.nodeId(), 1, Integer::sum);
    }
}
