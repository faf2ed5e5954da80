package io.ailurus.cluster.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.Test;

class ReplicaPlacementTest {

    private static List<BrokerRegistration> brokers(final int n) {
        return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> new BrokerRegistration(i, "", false)).toList();
    }

    @Test
    void leadersAndReplicasAreSpreadEvenly() {
        final List<List<Integer>> placed = new ReplicaPlacement(brokers(3), List.of()).place(6, 3);
        final Map<Integer, Integer> leaders = new HashMap<>();
        for (final List<Integer> nodes : placed) {
            assertEquals(3, new HashSet<>(nodes).size(), "distinct replicas " + nodes);
            leaders.merge(nodes.get(0), 1, Integer::sum);
        }
        assertEquals(Map.of(1, 2, 2, 2, 3, 2), leaders);
    }

    @Test
    void existingLoadIsCountedSoASecondTopicFillsTheGaps() {
        final List<BrokerRegistration> five = brokers(5);
        final List<List<Integer>> first = new ReplicaPlacement(five, List.of()).place(2, 1);
        final TopicAssignment existing = new TopicAssignment(
                new io.ailurus.cluster.metadata.TopicMetadata("a", org.apache.kafka.common.Uuid.randomUuid(), 2,
                        (short) 1, Map.of()), first);
        final List<List<Integer>> second = new ReplicaPlacement(five, List.of(existing)).place(3, 1);
        final HashSet<Integer> used = new HashSet<>();
        first.forEach(used::addAll);
        second.forEach(used::addAll);
        assertEquals(5, used.size(), "five single-replica partitions over five brokers: " + first + " " + second);
    }

    @Test
    void racksAreSpreadBeforeLoad() {
        final List<BrokerRegistration> racked = List.of(new BrokerRegistration(1, "a", false),
                new BrokerRegistration(2, "a", false), new BrokerRegistration(3, "b", false),
                new BrokerRegistration(4, "b", false));
        for (final List<Integer> nodes : new ReplicaPlacement(racked, List.of()).place(8, 2)) {
            final boolean firstInA = nodes.get(0) <= 2;
            final boolean secondInA = nodes.get(1) <= 2;
            assertTrue(firstInA != secondInA, "replicas in two racks: " + nodes);
        }
    }

    @Test
    void decommissionedBrokersGetNothingAndTooFewBrokersIsAnError() {
        final List<BrokerRegistration> brokers = List.of(new BrokerRegistration(1, "", false),
                new BrokerRegistration(2, "", true), new BrokerRegistration(3, "", false));
        new ReplicaPlacement(brokers, List.of()).place(4, 2).forEach(nodes -> assertTrue(!nodes.contains(2), nodes.toString()));
        assertThrows(InvalidReplicationFactorException.class, () -> new ReplicaPlacement(brokers, List.of()).place(1, 3));
    }

    @Test
    void replacementAvoidsCurrentReplicas() {
        final ReplicaPlacement placement = new ReplicaPlacement(brokers(4), List.of());
        assertEquals(Optional.of(4), placement.replacementFor(List.of(1, 2, 3), 2));
        assertEquals(Optional.empty(), new ReplicaPlacement(brokers(3), List.of()).replacementFor(List.of(1, 2, 3), 2));
    }
}
