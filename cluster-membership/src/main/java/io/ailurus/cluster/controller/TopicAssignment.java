package io.ailurus.cluster.controller;

import io.ailurus.cluster.metadata.TopicMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A topic and where its partitions live: {@code replicas.get(p)} lists the node ids holding partition {@code p}, the
 * first being the preferred leader. While a replica moves, the partition lists both nodes and {@code moves} says
 * which one leaves.
 */
public record TopicAssignment(TopicMetadata topic, List<List<Integer>> replicas, List<ReplicaMove> moves) {

    /** Partition {@code partition}'s replica on {@code from} is being replaced by one on {@code to}. */
    public record ReplicaMove(int partition, int from, int to) {
    }

    public TopicAssignment {
        replicas = replicas.stream().map(List::copyOf).toList();
        moves = List.copyOf(moves);
    }

    public TopicAssignment(final TopicMetadata topic, final List<List<Integer>> replicas) {
        this(topic, replicas, List.of());
    }

    public Optional<ReplicaMove> move(final int partition) {
        return moves.stream().filter(m -> m.partition() == partition).findFirst();
    }

    /** Starts a move: {@code to} joins the partition's replicas. */
    public TopicAssignment withMoveStarted(final ReplicaMove move) {
        final List<Integer> nodes = new ArrayList<>(replicas.get(move.partition()));
        nodes.add(move.to());
        final List<ReplicaMove> nextMoves = new ArrayList<>(moves);
        nextMoves.add(move);
        return new TopicAssignment(topic, withPartition(move.partition(), nodes), nextMoves);
    }

    /** Ends a move: the new replica takes the leaving one's place (so a preferred leader is replaced in place). */
    public TopicAssignment withMoveCompleted(final ReplicaMove move) {
        final List<Integer> nodes = new ArrayList<>(replicas.get(move.partition()));
        nodes.remove(Integer.valueOf(move.to()));
        nodes.set(nodes.indexOf(move.from()), move.to());
        final List<ReplicaMove> nextMoves = new ArrayList<>(moves);
        nextMoves.remove(move);
        return new TopicAssignment(topic, withPartition(move.partition(), nodes), nextMoves);
    }

    private List<List<Integer>> withPartition(final int partition, final List<Integer> nodes) {
        final List<List<Integer>> next = new ArrayList<>(replicas);
        next.set(partition, nodes);
        return next;
    }
}
