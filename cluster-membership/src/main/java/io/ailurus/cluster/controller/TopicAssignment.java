package io.ailurus.cluster.controller;

import io.ailurus.cluster.metadata.TopicMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * A topic and where its partitions live: {@code replicas.get(p)} lists the node ids holding partition {@code p}, the
 * first being the preferred leader.
 */
public record TopicAssignment(TopicMetadata topic, List<List<Integer>> replicas) {

    public TopicAssignment {
        replicas = replicas.stream().map(List::copyOf).toList();
    }

    public TopicAssignment withReplicas(final int partition, final List<Integer> nodes) {
        final List<List<Integer>> next = new ArrayList<>(replicas);
        next.set(partition, List.copyOf(nodes));
        return new TopicAssignment(topic, next);
    }
}
