package io.ailurus.cluster.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.cluster.membership.Leadership;
import io.ailurus.cluster.metadata.TopicMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class ReplicaBalancerTest {

    private final ControllerState state = new ControllerState();
    private long offset;

    private void apply(final ControllerCommand command) {
        final ControllerResult result = state.apply(command, offset++);
        assertTrue(result instanceof ControllerResult.Applied, command + ": " + result);
    }

    private void brokers(final int count) {
        IntStream.rangeClosed(1, count).forEach(id -> apply(new ControllerCommand.RegisterBroker(id, "")));
    }

    private void topic(final String name, final List<List<Integer>> replicas) {
        apply(new ControllerCommand.CreateTopic(new TopicMetadata(name, Uuid.randomUuid(), replicas.size(),
                (short) replicas.get(0).size(), Map.of()), replicas));
    }

    /** Every partition's leader reports committed voters equal to its placement. */
    private Function<TopicPartition, Leadership> settled() {
        final Map<TopicPartition, Leadership> reports = new HashMap<>();
        for (final TopicAssignment t : state.topics()) {
            for (int p = 0; p < t.replicas().size(); p++) {
                reports.put(new TopicPartition(t.topic().name(), p),
                        new Leadership(t.replicas().get(p).get(0), 1, t.replicas().get(p), 1));
            }
        }
        return tp -> reports.getOrDefault(tp, Leadership.UNKNOWN);
    }

    private List<ControllerCommand> steps(final Function<TopicPartition, Leadership> leaders, final Set<Integer> alive) {
        return ReplicaBalancer.nextSteps(ControllerImage.of(state), leaders, alive);
    }

    /** Runs the balancer to a fixed point, with every membership change completing at once. */
    private int runToEnd(final Set<Integer> alive) {
        int commands = 0;
        for (int round = 0; round < 100; round++) {
            final List<ControllerCommand> steps = steps(settled(), alive);
            if (steps.isEmpty()) {
                return commands;
            }
            steps.forEach(this::apply);
            commands += steps.size();
        }
        throw new AssertionError("the balancer did not settle");
    }

    private Map<Integer, Long> load() {
        return state.topics().stream().flatMap(t -> t.replicas().stream()).flatMap(List::stream)
                .collect(Collectors.groupingBy(n -> n, Collectors.counting()));
    }

    @Test
    void decommissionMovesEveryReplicaOffTheBrokerAtMostFourAtATime() {
        brokers(4);
        topic("t", List.of(List.of(1, 2, 3), List.of(2, 3, 4), List.of(3, 4, 1), List.of(4, 1, 2),
                List.of(1, 3, 4), List.of(4, 2, 3)));
        apply(new ControllerCommand.DecommissionBroker(4));
        final List<ControllerCommand> first = steps(settled(), Set.of(1, 2, 3, 4));
        assertEquals(ReplicaBalancer.MAX_MOVES_IN_FLIGHT, first.size(), "moves in flight are bounded: " + first);
        first.forEach(this::apply);
        assertEquals(List.of(), steps(tp -> Leadership.UNKNOWN, Set.of(1, 2, 3, 4)),
                "nothing completes or starts while leaders have not reported the new voters");

        runToEnd(Set.of(1, 2, 3, 4));
        assertEquals(null, load().get(4), "no replica left on broker 4: " + state.topics());
        for (final TopicAssignment t : state.topics()) {
            t.replicas().forEach(nodes -> assertEquals(3, Set.copyOf(nodes).size(), "three distinct replicas " + nodes));
        }
    }

    @Test
    void aJoiningBrokerReceivesReplicasUntilTheLoadIsEven() {
        brokers(3);
        topic("t", List.of(List.of(1, 2, 3), List.of(2, 3, 1), List.of(3, 1, 2), List.of(1, 2, 3)));
        assertEquals(0, runToEnd(Set.of(1, 2, 3)), "three brokers holding everything are balanced");

        apply(new ControllerCommand.RegisterBroker(4, ""));
        assertEquals(0, runToEnd(Set.of(1, 2, 3)), "a broker that is not alive receives nothing");
        runToEnd(Set.of(1, 2, 3, 4));
        final Map<Integer, Long> load = load();
        assertEquals(12, load.values().stream().mapToLong(Long::longValue).sum());
        assertEquals(Map.of(1, 3L, 2, 3L, 3, 3L, 4, 3L), load, "twelve replicas over four brokers");
    }

    @Test
    void aMoveCompletesOnlyOnceTheLeaderReportsTheNewVotersCommitted() {
        brokers(4);
        topic("t", List.of(List.of(1, 2, 3)));
        apply(new ControllerCommand.DecommissionBroker(1));
        steps(settled(), Set.of(1, 2, 3, 4)).forEach(this::apply);
        assertEquals(List.of(1, 2, 3, 4), state.topic("t").orElseThrow().replicas().get(0));
        final TopicPartition tp = new TopicPartition("t", 0);
        final Leadership oldVoters = new Leadership(1, 1, List.of(1, 2, 3), 1);
        assertEquals(List.of(), steps(x -> oldVoters, Set.of(1, 2, 3, 4)));
        final Leadership newVoters = new Leadership(1, 1, List.of(1, 2, 3, 4), 2);
        assertEquals(List.of(new ControllerCommand.CompleteMove("t", 0)), steps(x -> newVoters, Set.of(1, 2, 3, 4)));
    }
}
