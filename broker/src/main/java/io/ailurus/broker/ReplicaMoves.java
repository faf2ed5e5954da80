package io.ailurus.broker;

import io.ailurus.actors.Asks;
import io.ailurus.cluster.controller.ControllerCommand;
import io.ailurus.cluster.controller.ControllerReplica;
import io.ailurus.cluster.controller.ControllerResult;
import io.ailurus.cluster.controller.ReplicaBalancer;
import io.ailurus.cluster.controller.ReplicatedTopicStore;
import io.ailurus.cluster.membership.Leadership;
import io.ailurus.cluster.membership.LeadershipTable;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.PartitionReplica;
import io.ailurus.partition.replica.ReplicaHandle;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's part in moving replicas, run periodically off the actor threads: on the controller leader, proposes the
 * {@link ReplicaBalancer}'s next steps; on every node, deletes a local replica once the partition's leader reports
 * committed voters without this node and the placement no longer lists it (the move away from here is done).
 */
final class ReplicaMoves {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaMoves.class);

    private final int nodeId;
    private final ReplicatedTopicStore topics;
    private final LeadershipTable leaders;
    private final LocalReplicas replicas;
    private final Supplier<Set<Integer>> aliveNodes;
    private final Scheduler scheduler;
    /** Commands proposed and not yet answered, so a slow controller is not asked the same twice. */
    private final Set<ControllerCommand> proposing = ConcurrentHashMap.newKeySet();
    private final Set<TopicPartition> deleting = ConcurrentHashMap.newKeySet();

    ReplicaMoves(final int nodeId, final ReplicatedTopicStore topics, final LeadershipTable leaders,
            final LocalReplicas replicas, final Supplier<Set<Integer>> aliveNodes, final Scheduler scheduler) {
        this.nodeId = nodeId;
        this.topics = topics;
        this.leaders = leaders;
        this.replicas = replicas;
        this.aliveNodes = aliveNodes;
        this.scheduler = scheduler;
    }

    void run() {
        try {
            if (leaders.leader(ControllerReplica.LEADERSHIP_KEY).leaderId() == nodeId) {
                proposeNextSteps();
            }
            removeReplicasMovedAway();
        } catch (RuntimeException e) {
            LOG.warn("Replica moves: a round failed: {}", e.toString());
        }
    }

    private void proposeNextSteps() {
        final List<ControllerCommand> steps = ReplicaBalancer.nextSteps(topics.image(), leaders::leader, aliveNodes.get());
        for (final ControllerCommand step : steps) {
            if (!proposing.add(step)) {
                continue;
            }
            topics.controller().submit(step).whenComplete((result, failure) -> {
                proposing.remove(step);
                if (result instanceof ControllerResult.Applied) {
                    LOG.info("Replica moves: {}", describe(step));
                } else {
                    LOG.debug("Replica moves: {} not applied: {}", step, failure != null ? failure : result);
                }
            });
        }
    }

    private void removeReplicasMovedAway() {
        for (final ReplicaHandle replica : replicas.all()) {
            final TopicPartition tp = replica.topicPartition();
            final List<Integer> placed = topics.replicas(tp);
            final Leadership leadership = leaders.leader(tp);
            if (placed.isEmpty() || placed.contains(nodeId) || !leadership.knowsVoters()
                    || leadership.voters().contains(nodeId) || !deleting.add(tp)) {
                continue;
            }
            LOG.info("Partition {} moved off this node (voters {} in term {}): removing its replica here", tp,
                    leadership.voters(), leadership.term());
            Asks.<PartitionReplica.Command, org.apache.pekko.Done>ask(replica.actor(), PartitionReplica.Delete::new,
                            Duration.ofSeconds(30), scheduler)
                    .whenComplete((done, failure) -> deleting.remove(tp));
        }
    }

    private static String describe(final ControllerCommand step) {
        if (step instanceof ControllerCommand.MoveReplica m) {
            return "moving " + m.topic() + "-" + m.partition() + " from node " + m.from() + " to node " + m.to();
        }
        if (step instanceof ControllerCommand.CompleteMove c) {
            return "new replica of " + c.topic() + "-" + c.partition() + " is a voter; removing the old one";
        }
        return step.toString();
    }
}
