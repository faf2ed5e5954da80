package io.ailurus.chaos.checker;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the brokers themselves tell us, beside the client history. Today only the node logs and unexpected exits
 * exist; the replica dumps and Raft event logs (A11–A13) plug in here once the replicated broker can produce them.
 *
 * @param nodeLogs        node id → its log lines (stdout/stderr of the process)
 * @param unexpectedExits one line per broker process that died without the nemesis killing it
 * @param replicaLogs     node id → partition → the replica's log, read from disk after the run quiesced
 * @param leaderEvents    every "became leader" event the brokers logged
 * @param commitEvents    every commit-index / high-watermark change the brokers logged, in log order per node
 */
public record BrokerEvidence(Map<Integer, List<String>> nodeLogs, List<String> unexpectedExits,
        Optional<Map<Integer, Map<Integer, ReplicaLog>>> replicaLogs, Optional<List<LeaderEvent>> leaderEvents,
        Optional<List<CommitEvent>> commitEvents) {

    /**
     * A replica's values in offset order and the high watermark it had (only the prefix below it must agree), and its
     * log start offset: below it the replica holds nothing (a tiered replica's local retention deleted it).
     */
    public record ReplicaLog(List<Long> values, long highWatermark, long logStartOffset) {

        public ReplicaLog(final List<Long> values, final long highWatermark) {
            this(values, highWatermark, 0);
        }
    }

    public record LeaderEvent(int partition, long term, int node) {
    }

    public record CommitEvent(int node, int partition, long commitIndex) {
    }

    public static BrokerEvidence none() {
        return new BrokerEvidence(Map.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static BrokerEvidence ofLogs(final Map<Integer, List<String>> nodeLogs, final List<String> unexpectedExits) {
        return new BrokerEvidence(nodeLogs, unexpectedExits, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
