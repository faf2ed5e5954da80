package io.ailurus.kafka.handler;

import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import io.ailurus.partition.log.LogSlice;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.producer.AbortedTransactionIndex;
import io.ailurus.partition.producer.PartitionTransactions;
import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.partition.tier.RemoteLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * Fetch for consumers: whole batches straight from the segment files (sent with sendfile), bounded by the high
 * watermark, per-partition and response max bytes (the first batch of the response is always whole, KIP-74).
 *
 * <p>Long poll: when less than {@code min.bytes} is available the request parks on the partitions' high-watermark
 * waiters and is re-read when one moves, or answered with what there is at {@code max.wait.ms}; nothing polls.
 *
 * <p>Fetch sessions (KIP-227): every response carries session id 0, which tells clients to keep sending full fetch
 * requests; a request naming a session gets FETCH_SESSION_ID_NOT_FOUND, upon which clients start over.
 */
public final class FetchHandler implements ApiHandler<FetchRequest> {

    /** A remote read gets at least this long even when the consumer asked not to wait (max wait 0). */
    private static final long MIN_REMOTE_WAIT_MS = 100;

    private final BrokerServices services;

    public FetchHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.FETCH.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.FETCH.latestVersion();
    }

    /** One requested partition, resolved once. */
    private record Wanted(FetchRequestData.FetchTopic topic, FetchRequestData.FetchPartition partition,
            ReplicaHandle replica, Errors error) {
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final FetchRequest request) {
        final FetchRequestData data = request.data();
        if (data.sessionId() != 0) {
            return CompletableFuture.completedFuture(FetchResponse.of(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()).setSessionId(0)));
        }
        final List<Wanted> wanted = resolve(context, data, request.version() >= 13);
        final List<CompletableFuture<MemoryRecords>> remoteReads = startRemoteReads(wanted, data);
        if (remoteReads != null) {
            return answerAfterRemoteReads(wanted, data, remoteReads);
        }
        final FetchResponseData immediate = read(wanted, data, false, null);
        if (immediate != null) {
            return CompletableFuture.completedFuture(FetchResponse.of(immediate));
        }
        return new Parked(wanted, data).start();
    }

    private List<Wanted> resolve(final RequestContext context, final FetchRequestData data, final boolean byId) {
        final List<Wanted> wanted = new ArrayList<>();
        for (final FetchRequestData.FetchTopic topic : data.topics()) {
            final Optional<TopicMetadata> meta = byId ? services.topics().topic(topic.topicId())
                    : services.topics().topic(topic.topic());
            final boolean readAllowed = context.authorized(AclOperation.READ, ResourceType.TOPIC,
                    meta.map(TopicMetadata::name).orElse(topic.topic()));
            for (final FetchRequestData.FetchPartition partition : topic.partitions()) {
                Errors error = Errors.NONE;
                ReplicaHandle replica = null;
                if (!readAllowed) {
                    error = Errors.TOPIC_AUTHORIZATION_FAILED;
                } else if (meta.isEmpty()) {
                    error = byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                } else if (partition.partition() < 0 || partition.partition() >= meta.get().partitions()) {
                    error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                } else {
                    replica = services.replicas().leader(new TopicPartition(meta.get().name(), partition.partition()));
                    if (replica == null) {
                        error = Errors.NOT_LEADER_OR_FOLLOWER;
                    } else {
                        error = TopicPartitions.checkCurrentLeaderEpoch(partition.currentLeaderEpoch(), replica.leaderEpoch());
                        if (error != Errors.NONE) {
                            replica = null;
                        }
                    }
                }
                wanted.add(new Wanted(topic, partition, replica, error));
            }
        }
        return wanted;
    }

    /**
     * Starts a read from the bucket for every partition whose fetch offset lies below its local log and in the
     * bucket, all at once (a fetch of many tiered partitions waits for the slowest, not for their sum). Returns one
     * future per wanted partition (null where it reads locally), or null when no partition reads remotely.
     */
    private static List<CompletableFuture<MemoryRecords>> startRemoteReads(final List<Wanted> wanted,
            final FetchRequestData data) {
        List<CompletableFuture<MemoryRecords>> reads = null;
        for (int i = 0; i < wanted.size(); i++) {
            final Wanted w = wanted.get(i);
            if (w.replica() == null) {
                continue;
            }
            final long offset = w.partition().fetchOffset();
            final RemoteLog remote = w.replica().remote();
            final boolean belowLocal = offset < w.replica().log().logStartOffset() || w.replica().isReadReplica();
            if (belowLocal && (remote.holds(offset) || !remote.ready())) {
                if (reads == null) {
                    reads = new ArrayList<>(java.util.Collections.nCopies(wanted.size(), null));
                }
                final int limit = Math.max(1, Math.min(w.partition().partitionMaxBytes(), data.maxBytes()));
                reads.set(i, remote.ready() ? remote.read(offset, limit) : CompletableFuture.failedFuture(
                        new org.apache.kafka.common.errors.LeaderNotAvailableException(
                                "the leader is still reading the bucket's manifest")));
            }
        }
        return reads;
    }

    /**
     * Answers once every remote read finished, or at the fetch's max wait with what has arrived: a slow bucket costs
     * a consumer one empty answer (it asks again, and the read that went on meanwhile has filled the cache), never a
     * held connection.
     */
    private CompletableFuture<AbstractResponse> answerAfterRemoteReads(final List<Wanted> wanted,
            final FetchRequestData data, final List<CompletableFuture<MemoryRecords>> remoteReads) {
        final CompletableFuture<Void> all = CompletableFuture.allOf(
                remoteReads.stream().filter(java.util.Objects::nonNull).toArray(CompletableFuture[]::new));
        final CompletableFuture<Void> bounded = new CompletableFuture<>();
        final ScheduledFuture<?> timer = services.timer().schedule(() -> bounded.complete(null),
                Math.max(data.maxWaitMs(), MIN_REMOTE_WAIT_MS), TimeUnit.MILLISECONDS);
        all.whenComplete((ok, failure) -> {
            timer.cancel(false);
            bounded.complete(null);
        });
        return bounded.thenApply(ignored -> FetchResponse.of(read(wanted, data, true, remoteReads)));
    }

    /** Reads every partition; returns the response, or null when it should wait for more data. */
    private FetchResponseData read(final List<Wanted> wanted, final FetchRequestData data, final boolean deadline,
            final List<CompletableFuture<MemoryRecords>> remoteReads) {
        final FetchResponseData response = new FetchResponseData().setSessionId(0);
        int remaining = data.maxBytes();
        int total = 0;
        boolean anyError = false;
        for (int i = 0; i < wanted.size(); i++) {
            final Wanted w = wanted.get(i);
            final CompletableFuture<MemoryRecords> remoteRead = remoteReads == null ? null : remoteReads.get(i);
            final FetchResponseData.PartitionData out = new FetchResponseData.PartitionData()
                    .setPartitionIndex(w.partition().partition())
                    .setRecords(MemoryRecords.EMPTY);
            if (w.error() != Errors.NONE) {
                out.setErrorCode(w.error().code()).setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1);
                anyError = true;
            } else {
                final SegmentLog log = w.replica().log();
                final long hw = w.replica().highWatermark();
                final long lso = w.replica().lastStableOffset();
                final boolean readCommitted = data.isolationLevel() == 1;
                out.setHighWatermark(hw).setLastStableOffset(lso).setLogStartOffset(w.replica().logStartOffset());
                if (readCommitted) {
                    out.setAbortedTransactions(List.of());
                }
                if (remoteRead != null) {
                    final int limit = Math.min(w.partition().partitionMaxBytes(), Math.max(remaining, 0));
                    final Errors remoteError = remoteReadError(remoteRead);
                    if (remoteError != Errors.NONE) {
                        out.setErrorCode(remoteError.code());
                        anyError = true;
                    } else if (remoteRead.isDone()) {
                        final MemoryRecords records = remoteRead.join();
                        if (records.sizeInBytes() > 0 && (total == 0 || records.sizeInBytes() <= limit)) {
                            out.setRecords(records);
                            if (readCommitted) {
                                // As recorded with the segment when it was uploaded: the partition's memory may
                                // not know them (a restart, a restored topic, a read replica).
                                out.setAbortedTransactions(abortedTransactions(w.replica().remote(),
                                        w.partition().fetchOffset(), lso, records));
                            }
                            total += records.sizeInBytes();
                            remaining -= records.sizeInBytes();
                        }
                    }
                    topicOf(response, w.topic()).partitions().add(out);
                    continue;
                }
                if (w.replica().isReadReplica()) {
                    // Nothing local. Within the bucket's range but not read this time (the manifest moved on since
                    // this fetch started, or at its end: wait for the next upload) there is simply nothing yet;
                    // beyond the end or below the start the offset is out of range.
                    final long offset = w.partition().fetchOffset();
                    if (offset > hw || offset < w.replica().logStartOffset()) {
                        out.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                        anyError = true;
                    }
                    topicOf(response, w.topic()).partitions().add(out);
                    continue;
                }
                try {
                    final int limit = Math.min(w.partition().partitionMaxBytes(), Math.max(remaining, 0));
                    final long fetchOffset = w.partition().fetchOffset();
                    final LogSlice slice = log.read(fetchOffset, Math.max(limit, 1), readCommitted ? lso : hw);
                    // Only the response's first batch may exceed the limits (so a consumer can always progress).
                    if (!slice.isEmpty() && (total == 0 || slice.sizeInBytes() <= limit)) {
                        out.setRecords(slice.records());
                        if (readCommitted) {
                            out.setAbortedTransactions(abortedTransactions(w.replica().transactions(), fetchOffset,
                                    lso, slice.records()));
                        }
                        total += slice.sizeInBytes();
                        remaining -= slice.sizeInBytes();
                    }
                } catch (OffsetOutOfRangeException e) {
                    // Local retention may have deleted the segment since this fetch chose to read locally; the
                    // bucket still holds it: answer empty, and the consumer's next fetch reads it there.
                    if (!w.replica().remote().holds(w.partition().fetchOffset())) {
                        out.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                        anyError = true;
                    }
                }
            }
            topicOf(response, w.topic()).partitions().add(out);
        }
        // A fetch with no partitions (a client closing its fetch session) has nothing to wait for.
        if (deadline || anyError || wanted.isEmpty() || total >= data.minBytes() || data.maxWaitMs() <= 0) {
            return response;
        }
        return null;
    }

    /** Above this many candidates, the read's batches are walked to send only the aborted transactions it meets. */
    private static final int ABORTED_WITHOUT_BOUNDING = 8;

    /**
     * The aborted transactions a read_committed consumer needs for a read from {@code fetchOffset}: those overlapping
     * the records returned, so that it drops their records (it sees the ABORT markers in the data).
     */
    private static List<FetchResponseData.AbortedTransaction> abortedTransactions(final AbortedTransactionIndex index,
            final long fetchOffset, final long lso, final Records records) {
        List<PartitionTransactions.Aborted> found = index.abortedIn(fetchOffset, lso);
        if (found.isEmpty()) {
            return List.of();
        }
        if (found.size() > ABORTED_WITHOUT_BOUNDING) {
            long end = fetchOffset;
            for (final RecordBatch batch : records.batches()) {
                end = batch.nextOffset();
            }
            found = index.abortedIn(fetchOffset, end);
        }
        final List<FetchResponseData.AbortedTransaction> out = new ArrayList<>(found.size());
        for (final PartitionTransactions.Aborted a : found) {
            out.add(new FetchResponseData.AbortedTransaction().setProducerId(a.producerId()).setFirstOffset(a.firstOffset()));
        }
        return out;
    }

    /** A failed remote read is KAFKA_STORAGE_ERROR, which clients retry; one not finished yet is no error. */
    private static Errors remoteReadError(final CompletableFuture<MemoryRecords> read) {
        if (!read.isCompletedExceptionally()) {
            return Errors.NONE;
        }
        try {
            read.join();
            return Errors.NONE;
        } catch (java.util.concurrent.CompletionException e) {
            final Errors error = Errors.forException(e.getCause());
            return error == Errors.UNKNOWN_SERVER_ERROR ? Errors.KAFKA_STORAGE_ERROR : error;
        }
    }

    private static FetchResponseData.FetchableTopicResponse topicOf(final FetchResponseData response,
            final FetchRequestData.FetchTopic topic) {
        final List<FetchResponseData.FetchableTopicResponse> topics = response.responses();
        if (!topics.isEmpty()) {
            final FetchResponseData.FetchableTopicResponse last = topics.get(topics.size() - 1);
            if (last.topicId().equals(topic.topicId()) && java.util.Objects.equals(last.topic(), topic.topic())) {
                return last;
            }
        }
        final FetchResponseData.FetchableTopicResponse t = new FetchResponseData.FetchableTopicResponse()
                .setTopic(topic.topic()).setTopicId(topic.topicId());
        topics.add(t);
        return t;
    }

    /** A fetch waiting for data: woken by any partition's high watermark moving, or answered at its deadline. */
    /**
     * A fetch waiting for data (long poll). It holds at most one waiter per partition, armed to fire when that
     * partition's high watermark passes what the last read saw, so a read that found too little is retried only when
     * something new arrives: never in a loop, and never piling up waiters in the replicas' queues.
     */
    private final class Parked {
        private final List<Wanted> wanted;
        private final FetchRequestData data;
        private final CompletableFuture<AbstractResponse> result = new CompletableFuture<>();
        private final AtomicBoolean done = new AtomicBoolean();
        private final CompletableFuture<?>[] waiters;
        private final long[] seenHighWatermarks;
        private volatile ScheduledFuture<?> timer;

        Parked(final List<Wanted> wanted, final FetchRequestData data) {
            this.wanted = wanted;
            this.data = data;
            this.waiters = new CompletableFuture<?>[wanted.size()];
            this.seenHighWatermarks = new long[wanted.size()];
        }

        CompletableFuture<AbstractResponse> start() {
            timer = services.timer().schedule(() -> attempt(true), data.maxWaitMs(), TimeUnit.MILLISECONDS);
            watch();
            return result;
        }

        /** Arms a waiter on every partition whose previous one has fired. */
        private synchronized void watch() {
            for (int i = 0; i < wanted.size() && !done.get(); i++) {
                final Wanted w = wanted.get(i);
                if (w.replica() == null || (waiters[i] != null && !waiters[i].isDone())) {
                    continue;
                }
                final long above = Math.max(w.partition().fetchOffset(), seenHighWatermarks[i]);
                final CompletableFuture<Void> waiter = w.replica().awaitHighWatermarkAbove(above);
                waiters[i] = waiter;
                waiter.thenRun(() -> attempt(false));
            }
        }

        private void attempt(final boolean deadline) {
            if (done.get()) {
                return;
            }
            synchronized (this) {
                for (int i = 0; i < wanted.size(); i++) {
                    final Wanted w = wanted.get(i);
                    if (w.replica() != null) {
                        seenHighWatermarks[i] = Math.max(seenHighWatermarks[i], w.replica().log().highWatermark());
                    }
                }
            }
            final FetchResponseData response = read(wanted, data, deadline, null);
            if (response == null) {
                watch();
                return;
            }
            if (done.compareAndSet(false, true)) {
                final ScheduledFuture<?> t = timer;
                if (t != null) {
                    t.cancel(false);
                }
                forgetWaiters();
                result.complete(FetchResponse.of(response));
            }
        }

        private synchronized void forgetWaiters() {
            for (int i = 0; i < wanted.size(); i++) {
                if (waiters[i] != null && !waiters[i].isDone()) {
                    @SuppressWarnings("unchecked")
                    final CompletableFuture<Void> waiter = (CompletableFuture<Void>) waiters[i];
                    wanted.get(i).replica().forget(waiter);
                    waiter.cancel(false);
                }
            }
        }
    }
}
