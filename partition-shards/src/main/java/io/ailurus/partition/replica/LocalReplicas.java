package io.ailurus.partition.replica;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;

/**
 * The partition replicas running on this node, by topic partition and by Raft group id. Replicas add themselves once
 * their log is open, and report when they start and stop leading.
 */
public final class LocalReplicas {

    /** Told when a replica here becomes its partition's leader or stops being it (on the replica's thread: hand off). */
    public interface Listener {
        void startedLeading(ReplicaHandle replica);

        void stoppedLeading(ReplicaHandle replica);
    }

    private final ConcurrentHashMap<TopicPartition, ReplicaHandle> replicas = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, ReplicaHandle> byGroup = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    public void addListener(final Listener listener) {
        listeners.add(listener);
    }

    /** The running replica, or null when it is not (yet) running here. */
    public ReplicaHandle get(final TopicPartition topicPartition) {
        return replicas.get(topicPartition);
    }

    /** The replica here if it currently leads its partition, else null (the request path's lookup). */
    public ReplicaHandle leader(final TopicPartition topicPartition) {
        final ReplicaHandle handle = replicas.get(topicPartition);
        return handle != null && handle.isLeader() ? handle : null;
    }

    /** The replica of Raft group {@code groupId} running here, or null. */
    public ReplicaHandle byGroup(final long groupId) {
        return byGroup.get(groupId);
    }

    public Collection<ReplicaHandle> all() {
        return replicas.values();
    }

    void add(final ReplicaHandle handle) {
        final ReplicaHandle clash = byGroup.putIfAbsent(handle.groupId(), handle);
        if (clash != null && !clash.topicPartition().equals(handle.topicPartition())) {
            throw new IllegalStateException("Raft group id " + handle.groupId() + " of " + handle.topicPartition()
                    + " collides with " + clash.topicPartition());
        }
        byGroup.put(handle.groupId(), handle);
        replicas.put(handle.topicPartition(), handle);
    }

    void remove(final ReplicaHandle handle) {
        byGroup.remove(handle.groupId(), handle);
        replicas.remove(handle.topicPartition(), handle);
    }

    void leadershipChanged(final ReplicaHandle handle, final boolean leading) {
        for (final Listener l : listeners) {
            if (leading) {
                l.startedLeading(handle);
            } else {
                l.stoppedLeading(handle);
            }
        }
    }
}
