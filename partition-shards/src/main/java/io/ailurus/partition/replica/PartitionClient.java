package io.ailurus.partition.replica;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/** How the request path talks to a local partition replica: typed asks, each bounded by a timeout. */
public final class PartitionClient {

    private final Scheduler scheduler;

    public PartitionClient(final Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Appends; completes when the replica answers per {@code acks}, or fails with a TimeoutException. */
    public CompletionStage<AppendResult> append(final ReplicaHandle replica, final MemoryRecords records,
            final short acks, final Duration timeout) {
        return AskPattern.ask(replica.actor(), replyTo -> new PartitionReplica.Append(records, acks, replyTo),
                timeout, scheduler);
    }

    public CompletionStage<PartitionReplica.DeleteRecordsResult> deleteRecords(final ReplicaHandle replica,
            final long beforeOffset, final Duration timeout) {
        return AskPattern.ask(replica.actor(), replyTo -> new PartitionReplica.DeleteRecords(beforeOffset, replyTo),
                timeout, scheduler);
    }
}
