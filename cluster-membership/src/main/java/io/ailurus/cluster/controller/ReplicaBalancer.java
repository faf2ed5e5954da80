package io.ailurus.cluster.controller;

import io.ailurus.cluster.membership.Leadership;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides replica moves, run by the controller leader: replicas leave decommissioned brokers, and when a broker
 * joins (or the load is otherwise uneven by two or more replicas) replicas move from the fullest broker to the
 * emptiest. A move is two controller commands around a Raft membership change done by the partition's leader
 * ({@link ControllerCommand.MoveReplica}: the new replica joins as learner then voter; {@link
 * ControllerCommand.CompleteMove} once the leader reports the new voters committed: the old replica is removed).
 * Only partitions whose leader has reported its committed voters equal to the placement are touched, and at most
 * {@link #MAX_MOVES_IN_FLIGHT} moves run at once, so a rebalance never piles up catch-up traffic.
 */
public final class ReplicaBalancer {

    public static final int MAX_MOVES_IN_FLIGHT = 4;

    private ReplicaBalancer() {
    }

    /**
     * The commands to propose now, given the controller's image, each partition's last leadership report and the
     * brokers that are alive.
     */
    public static List<ControllerCommand> nextSteps(final ControllerImage image,
            final Function<TopicPartition, Leadership> leaders, final Set<Integer> alive) {
        final List<ControllerCommand> steps = new ArrayList<>();
        final Map<String, TopicAssignment> planned = new HashMap<>(image.topics());
        int inFlight = 0;
        for (final TopicAssignment topic : image.topics().values()) {
            for (final TopicAssignment.ReplicaMove move : topic.moves()) {
                inFlight++;
                if (settled(topic, move.partition(), leaders)) {
                    steps.add(new ControllerCommand.CompleteMove(topic.topic().name(), move.partition()));
                }
            }
        }
        final List<BrokerRegistration> targets = image.brokers().values().stream()
                .filter(b -> alive.contains(b.nodeId()) && !b.decommissioned()).toList();
        while (inFlight < MAX_MOVES_IN_FLIGHT) {
            final Optional<ControllerCommand.MoveReplica> move = offDecommissioned(image, planned, leaders, targets)
                    .or(() -> towardsEvenLoad(planned, leaders, targets));
            if (move.isEmpty()) {
                break;
            }
            final ControllerCommand.MoveReplica m = move.get();
            planned.put(m.topic(), planned.get(m.topic()).withMoveStarted(
                    new TopicAssignment.ReplicaMove(m.partition(), m.from(), m.to())));
            steps.add(m);
            inFlight++;
        }
        return steps;
    }

    /** The first replica found on a decommissioned broker, moved to where placement would put it. */
    private static Optional<ControllerCommand.MoveReplica> offDecommissioned(final ControllerImage image,
            final Map<String, TopicAssignment> planned, final Function<TopicPartition, Leadership> leaders,
            final List<BrokerRegistration> targets) {
        final ReplicaPlacement placement = new ReplicaPlacement(targets, planned.values());
        for (final TopicAssignment topic : sorted(planned.values())) {
            for (int p = 0; p < topic.replicas().size(); p++) {
                if (topic.move(p).isPresent() || !settled(topic, p, leaders)) {
                    continue;
                }
                for (final int node : topic.replicas().get(p)) {
                    final BrokerRegistration broker = image.brokers().get(node);
                    if (broker != null && broker.decommissioned()) {
                        final int partition = p;
                        final Optional<Integer> to = placement.replacementFor(topic.replicas().get(p), node);
                        if (to.isPresent()) {
                            return to.map(target -> new ControllerCommand.MoveReplica(topic.topic().name(),
                                    partition, node, target));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** One replica from the broker holding the most to the one holding the fewest, if they differ by two or more. */
    private static Optional<ControllerCommand.MoveReplica> towardsEvenLoad(final Map<String, TopicAssignment> planned,
            final Function<TopicPartition, Leadership> leaders, final List<BrokerRegistration> targets) {
        if (targets.size() < 2) {
            return Optional.empty();
        }
        final Map<Integer, Integer> load = new HashMap<>();
        targets.forEach(b -> load.put(b.nodeId(), 0));
        for (final TopicAssignment topic : planned.values()) {
            for (int p = 0; p < topic.replicas().size(); p++) {
                final Set<Integer> after = new HashSet<>(topic.replicas().get(p));
                topic.move(p).ifPresent(m -> after.remove(m.from()));
                after.stream().filter(load::containsKey).forEach(n -> load.merge(n, 1, Integer::sum));
            }
        }
        final Comparator<Integer> byLoad = Comparator.<Integer>comparingInt(load::get).thenComparingInt(n -> n);
        final int fullest = load.keySet().stream().max(byLoad).orElseThrow();
        final int emptiest = load.keySet().stream().min(byLoad).orElseThrow();
        if (load.get(fullest) - load.get(emptiest) < 2) {
            return Optional.empty();
        }
        for (final TopicAssignment topic : sorted(planned.values())) {
            for (int p = 0; p < topic.replicas().size(); p++) {
                final List<Integer> nodes = topic.replicas().get(p);
                if (topic.move(p).isEmpty() && nodes.contains(fullest) && !nodes.contains(emptiest)
                        && settled(topic, p, leaders)) {
                    return Optional.of(new ControllerCommand.MoveReplica(topic.topic().name(), p, fullest, emptiest));
                }
            }
        }
        return Optional.empty();
    }

    /** The partition's leader reports committed voters that are exactly its placed replicas. */
    private static boolean settled(final TopicAssignment topic, final int partition,
            final Function<TopicPartition, Leadership> leaders) {
        final Leadership leadership = leaders.apply(new TopicPartition(topic.topic().name(), partition));
        return leadership.knowsVoters()
                && new HashSet<>(leadership.voters()).equals(new HashSet<>(topic.replicas().get(partition)));
    }

    private static List<TopicAssignment> sorted(final Collection<TopicAssignment> topics) {
        return topics.stream().sorted(Comparator.comparing(t -> t.topic().name())).toList();
    }
}
