package io.ailurus.partition.replica;

import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.producer.PartitionTransactions;
import io.ailurus.partition.tier.RemoteLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The local face of a running partition replica, for the request path on this node: writes go to its actor, reads go
 * straight to its log (the log is safe for concurrent readers and returns only data below the high watermark asked
 * for), and long-poll fetches wait here for the high watermark to move — no polling.
 */
public final class ReplicaHandle {

    private final TopicPartition topicPartition;
    private final SegmentLog log;
    private final ActorRef<PartitionReplica.Command> actor;
    private final long groupId;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> waiters = new ConcurrentLinkedQueue<>();
    private volatile Leadership leadership = Leadership.NONE;
    private volatile RemoteLog remote = RemoteLog.NONE;
    private volatile long readLeaseUntilMs = Long.MIN_VALUE;   // on the replica's clock (nanoTime in ms)
    private final PartitionTransactions transactions = new PartitionTransactions();

    /** Who leads the partition as this replica knows it, and whether it is this replica (then ready to serve). */
    public record Leadership(int leaderId, int term, boolean leading) {
        static final Leadership NONE = new Leadership(-1, 0, false);
    }

    ReplicaHandle(final TopicPartition topicPartition, final SegmentLog log, final ActorRef<PartitionReplica.Command> actor) {
        this.topicPartition = topicPartition;
        this.log = log;
        this.actor = actor;
        this.groupId = GroupIds.of(topicPartition);
    }

    public long groupId() {
        return groupId;
    }

    public Leadership leadership() {
        return leadership;
    }

    /** True while this replica leads and has committed an entry of its term, so its high watermark is current. */
    public boolean isLeader() {
        return leadership.leading();
    }

    /** The leader epoch clients see (the Raft term of the current leader). */
    public int leaderEpoch() {
        return leadership.term();
    }

    void setLeadership(final Leadership next) {
        leadership = next;
    }

    void setReadLeaseUntil(final long untilMs) {
        readLeaseUntilMs = untilMs;
    }

    /**
     * Whether this leader may still answer reads that must be linearizable (ListOffsets) alone: a majority heard from
     * it recently enough that no other leader can have been elected. A leader cut off from its peers loses it before
     * a successor can win an election.
     */
    public boolean inReadLease() {
        return System.nanoTime() / 1_000_000 < readLeaseUntilMs;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    /** For reads and offsets only; every mutation goes through {@link #actor()}. */
    public SegmentLog log() {
        return log;
    }

    /** The part of the partition in the bucket ({@link RemoteLog#NONE} without tiered storage). */
    public RemoteLog remote() {
        return remote;
    }

    void setRemote(final RemoteLog next) {
        remote = next;
    }

    /** Whether this partition serves another cluster's uploads only (a read replica): everything comes from the bucket. */
    public boolean isReadReplica() {
        return log.config().remote().readReplica();
    }

    /** The end of what consumers may read: the bucket's end for a read replica, else the local high watermark. */
    public long highWatermark() {
        return isReadReplica() ? Math.max(0, remote.endOffset()) : log.highWatermark();
    }

    /**
     * Where the partition starts for clients: the bucket's start when the bucket holds offsets below the local log,
     * else the local log start.
     */
    public long logStartOffset() {
        final long local = log.logStartOffset();
        final long remoteStart = remote.startOffset();
        if (isReadReplica()) {
            return Math.max(0, remoteStart);
        }
        return remoteStart >= 0 && remoteStart < local ? remoteStart : local;
    }

    /**
     * The partition's transactions (open ones, the last stable offset, aborted ones), kept by the leader: read
     * them here, only the replica's actor changes them.
     */
    public PartitionTransactions transactions() {
        return transactions;
    }

    /** The end of what read_committed consumers may read: the high watermark, held back by undecided transactions. */
    public long lastStableOffset() {
        return isReadReplica() ? highWatermark() : Math.min(transactions.lastStableOffset(), log.highWatermark());
    }

    public ActorRef<PartitionReplica.Command> actor() {
        return actor;
    }

    /** Completes once the high watermark is above {@code offset} (at once if it already is), or when the replica stops. */
    public CompletableFuture<Void> awaitHighWatermarkAbove(final long offset) {
        final CompletableFuture<Void> waiter = new CompletableFuture<>();
        waiters.add(waiter);
        // Re-check after registering: either this sees the new high watermark or the replica's drain sees the waiter.
        if (log.highWatermark() > offset) {
            waiter.complete(null);
        }
        return waiter;
    }

    /** Wakes every waiter; each re-reads what it needs. Called by the replica after the high watermark moved. */
    void wakeWaiters() {
        // Only those queued now: a woken fetch that re-arms must wait for the next move, not be woken again here.
        final List<CompletableFuture<Void>> woken = new ArrayList<>();
        CompletableFuture<Void> waiter;
        while ((waiter = waiters.poll()) != null) {
            woken.add(waiter);
        }
        for (final CompletableFuture<Void> w : woken) {
            w.complete(null);
        }
    }

    /** Drops a waiter that no longer needs waking (its fetch completed some other way). */
    public void forget(final CompletableFuture<Void> waiter) {
        waiters.remove(waiter);
    }
}
