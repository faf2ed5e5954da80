package io.ailurus.partition.replica;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;

/** The partition replicas running on this node, by topic partition. Replicas add themselves once their log is open. */
public final class LocalReplicas {

    /** Told when a replica starts or stops serving here (called on the replica's thread: only hand off). */
    public interface Listener {
        void started(ReplicaHandle replica);

        void stopped(ReplicaHandle replica);
    }

    private final ConcurrentHashMap<TopicPartition, ReplicaHandle> replicas = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    public void addListener(final Listener listener) {
        listeners.add(listener);
    }

    /** The running replica, or null when it is not (yet) running here. */
    public ReplicaHandle get(final TopicPartition topicPartition) {
        return replicas.get(topicPartition);
    }

    public Collection<ReplicaHandle> all() {
        return replicas.values();
    }

    void add(final ReplicaHandle handle) {
        replicas.put(handle.topicPartition(), handle);
        listeners.forEach(l -> l.started(handle));
    }

    void remove(final ReplicaHandle handle) {
        if (replicas.remove(handle.topicPartition(), handle)) {
            listeners.forEach(l -> l.stopped(handle));
        }
    }
}
