package io.ailurus.partition.producer;

import java.util.List;

/**
 * Answers which aborted transactions a read meets, for Fetch to hand to read_committed consumers. The partition's
 * memory answers for the local log ({@link PartitionTransactions}); the bucket's manifest for offsets served from it.
 */
public interface AbortedTransactionIndex {

    /**
     * The aborted transactions a read of offsets {@code [fetchOffset, upTo)} may meet: those ending at or after the
     * fetch offset that started before {@code upTo}. Safe from any thread.
     */
    List<PartitionTransactions.Aborted> abortedIn(long fetchOffset, long upTo);
}
