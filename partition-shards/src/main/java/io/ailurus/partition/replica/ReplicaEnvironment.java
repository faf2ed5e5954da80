package io.ailurus.partition.replica;

import io.ailurus.partition.log.LogConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a partition replica needs from its node: where its data lives, the shared fsync thread, the registry it joins,
 * and how to learn its topic's settings (empty when the topic does not exist).
 */
public record ReplicaEnvironment(
        Path dataDir,
        GroupCommitFlusher flusher,
        LocalReplicas replicas,
        Function<String, Optional<LogConfig>> topicLogConfig,
        Duration retentionCheckInterval) {
}
