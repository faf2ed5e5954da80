package io.ailurus.kafka.txn;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * What the transaction coordinator keeps per transactional id, and writes to {@code __transaction_state} on every
 * change: the producer id and epoch it handed out, the timeout, and the current transaction's state and partitions.
 *
 * @param startTimestampMs when the current transaction began (its first partition), -1 when none is open
 */
public record TxnMetadata(String transactionalId, long producerId, short producerEpoch, int timeoutMs, TxnState state,
        SortedSet<TopicPartition> partitions, long startTimestampMs, long updateTimestampMs) {

    private static final java.util.Comparator<TopicPartition> ORDER =
            java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    public TxnMetadata {
        final TreeSet<TopicPartition> copy = new TreeSet<>(ORDER);
        copy.addAll(partitions);
        partitions = java.util.Collections.unmodifiableSortedSet(copy);
    }

    public static SortedSet<TopicPartition> noPartitions() {
        return new TreeSet<>(ORDER);
    }

    TxnMetadata with(final TxnState nextState, final Set<TopicPartition> nextPartitions, final long start, final long nowMs) {
        final TreeSet<TopicPartition> set = new TreeSet<>(ORDER);
        set.addAll(nextPartitions);
        return new TxnMetadata(transactionalId, producerId, producerEpoch, timeoutMs, nextState, set, start, nowMs);
    }

    TxnMetadata withProducer(final long id, final short epoch, final int timeout, final long nowMs) {
        return new TxnMetadata(transactionalId, id, epoch, timeout, TxnState.EMPTY, noPartitions(), -1, nowMs);
    }

    TxnMetadata withEpoch(final short epoch) {
        return new TxnMetadata(transactionalId, producerId, epoch, timeoutMs, state, partitions, startTimestampMs,
                updateTimestampMs);
    }
}
