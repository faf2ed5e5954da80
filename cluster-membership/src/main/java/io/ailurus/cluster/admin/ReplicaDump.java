package io.ailurus.cluster.admin;

import java.util.List;

/**
 * A replica's log as this node holds it, for cross-replica comparison after a chaos run
 * ({@code GET /v1/partitions/{topic}/{partition}/records}): data records only (Raft's control batches are left out),
 * values as UTF-8 text, with the batch term of each.
 */
public record ReplicaDump(String topic, int partition, int nodeId, long logStartOffset, long highWatermark,
        long logEndOffset, List<Entry> records) {

    public record Entry(long offset, int term, String value) {
    }
}
