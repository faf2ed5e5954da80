package io.ailurus.partition.replica;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/** The partition replicas running on this node, by topic partition. Replicas add themselves once their log is open. */
public final class LocalReplicas {

    private final ConcurrentHashMap<TopicPartition, ReplicaHandle> replicas = new ConcurrentHashMap<>();

    /** The running replica, or null when it is not (yet) running here. */
    public ReplicaHandle get(final TopicPartition topicPartition) {
        return replicas.get(topicPartition);
    }

    public Collection<ReplicaHandle> all() {
        return replicas.values();
    }

    void add(final ReplicaHandle handle) {
        replicas.put(handle.topicPartition(), handle);
    }

    void remove(final ReplicaHandle handle) {
        replicas.remove(handle.topicPartition(), handle);
    }
}
