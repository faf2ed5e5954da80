package io.ailurus.partition.replica;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * How the request path talks to a local partition replica: a message carrying the future it completes, bounded by a
 * timeout (TimeoutException). No ask: no temporary actor and no Scala future adapter per produce request.
 */
public final class PartitionClient {

    /** Appends; completes when the replica answers per {@code acks}. */
    public CompletableFuture<AppendResult> append(final ReplicaHandle replica, final MemoryRecords records,
            final short acks, final Duration timeout) {
        final CompletableFuture<AppendResult> reply = new CompletableFuture<>();
        replica.actor().tell(new PartitionReplica.Append(records, acks, reply));
        return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Appends a client's transactional batch that was verified with its transaction coordinator when the partition
     * had seen {@code verifiedMarkers} markers of its producer (see {@link PartitionReplica.Append}).
     */
    public CompletableFuture<AppendResult> appendVerified(final ReplicaHandle replica, final MemoryRecords records,
            final short acks, final Duration timeout, final int verifiedMarkers) {
        final CompletableFuture<AppendResult> reply = new CompletableFuture<>();
        replica.actor().tell(new PartitionReplica.Append(records, acks, reply, verifiedMarkers));
        return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public CompletableFuture<PartitionReplica.DeleteRecordsResult> deleteRecords(final ReplicaHandle replica,
            final long beforeOffset, final Duration timeout) {
        final CompletableFuture<PartitionReplica.DeleteRecordsResult> reply = new CompletableFuture<>();
        replica.actor().tell(new PartitionReplica.DeleteRecords(beforeOffset, reply));
        return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public CompletableFuture<PartitionReplica.DescribeProducersResult> describeProducers(final ReplicaHandle replica,
            final Duration timeout) {
        final CompletableFuture<PartitionReplica.DescribeProducersResult> reply = new CompletableFuture<>();
        replica.actor().tell(new PartitionReplica.DescribeProducers(reply));
        return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
