package io.ailurus.partition.replica;

import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.raft.RaftConfig;
import io.ailurus.partition.tier.Tiering;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * What a partition replica needs from its node: its node id, where its data lives, the shared fsync thread, the
 * registry it joins, how to learn its topic's settings (empty when the topic does not exist) and its partition's
 * placed replicas (the initial Raft voters and the target of replica moves; empty if unknown), the Raft timing, the
 * network to its peers (null on a node without peers), where to publish leadership, and tiered storage
 * ({@link Tiering#NONE} when off).
 */
public record ReplicaEnvironment(
        int nodeId,
        Path dataDir,
        GroupCommitFlusher flusher,
        LocalReplicas replicas,
        Function<String, Optional<LogConfig>> topicLogConfig,
        Function<TopicPartition, List<Integer>> replicaSet,
        Duration retentionCheckInterval,
        RaftConfig raftConfig,
        RaftNetwork network,
        LeadershipListener leadership,
        Tiering tiering) {

    /** Told whenever a local replica learns of a new leader or term (on the replica's thread: hand off). */
    @FunctionalInterface
    public interface LeadershipListener {
        void leaderChanged(TopicPartition tp, int leaderId, int term);

        /**
         * A leader's voter set is committed ({@code version} grows with each report of the leader in its term), so
         * that whoever moves replicas can tell when a membership change is done.
         */
        default void votersCommitted(TopicPartition tp, int leaderId, int term, List<Integer> voters, int version) {
        }

        LeadershipListener NONE = (tp, leaderId, term) -> { };
    }
}
