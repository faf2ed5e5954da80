package io.ailurus.partition.tier;

import io.ailurus.partition.producer.AbortedTransactionIndex;
import io.ailurus.partition.producer.PartitionTransactions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.record.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * The part of a partition that lives in the bucket, for reads below the local log start. Safe from any thread;
 * every method that touches the bucket is asynchronous, so a slow bucket never holds a request thread.
 */
public interface RemoteLog extends AbortedTransactionIndex {

    /**
     * Whether this replica knows what the bucket holds. A leader of a tiered partition learns it with one GET after
     * it is elected; until then reads below the local log must wait (a retriable error), not be told the data is gone.
     */
    boolean ready();

    /** The first offset the bucket serves, or -1 when it holds nothing for this partition. */
    long startOffset();

    /** One past the last offset in the bucket, or -1 when it holds nothing. */
    long endOffset();

    /** Bytes of this partition in the bucket. */
    long sizeInBytes();

    /** Whether {@code offset} is served from the bucket. */
    default boolean holds(final long offset) {
        final long start = startOffset();
        return start >= 0 && offset >= start && offset < endOffset();
    }

    /**
     * Whole batches from the one holding {@code offset}: at most {@code maxBytes}, but the first batch whole. Fails
     * with {@code KafkaStorageException} when the bucket cannot be read (a retriable error for clients).
     */
    CompletableFuture<MemoryRecords> read(long offset, int maxBytes);

    /** The first record at or after the bucket's start with a timestamp ≥ {@code timestamp}, if the bucket has one. */
    CompletableFuture<Optional<TimestampAndOffset>> offsetForTimestamp(long timestamp);

    /**
     * OffsetForLeaderEpoch over the bucket's segments: the end offset of {@code epoch} (the start of the next larger
     * epoch), or empty when the bucket does not know the epoch.
     */
    Optional<Long> endOffsetForEpoch(int epoch);

    /**
     * The aborted transactions a read from {@code fetchOffset} in the bucket meets, as recorded with the segment
     * holding it when it was uploaded (none for segments uploaded before brokers recorded them).
     */
    @Override
    default List<PartitionTransactions.Aborted> abortedIn(final long fetchOffset, final long upTo) {
        return List.of();
    }

    RemoteLog NONE = new RemoteLog() {
        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public long startOffset() {
            return -1;
        }

        @Override
        public long endOffset() {
            return -1;
        }

        @Override
        public long sizeInBytes() {
            return 0;
        }

        @Override
        public CompletableFuture<MemoryRecords> read(final long offset, final int maxBytes) {
            return CompletableFuture.completedFuture(MemoryRecords.EMPTY);
        }

        @Override
        public CompletableFuture<Optional<TimestampAndOffset>> offsetForTimestamp(final long timestamp) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public Optional<Long> endOffsetForEpoch(final int epoch) {
            return Optional.empty();
        }
    };
}
