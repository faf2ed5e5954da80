package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.partition.tier.RemoteLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ListOffsets (v1+): per partition, the offset for a timestamp or for one of Kafka's special timestamps, read from the
 * partition's log on this thread (indexes are in memory; a timestamp search reads at most a few batch headers), or,
 * for a tiered partition, from the bucket below the local log (asynchronously: EARLIEST is the bucket's start,
 * EARLIEST_LOCAL the local log's, LATEST_TIERED the bucket's last offset; a search by time asks the bucket first).
 *
 * <p>Only committed records are visible: an offset at or above the high watermark is never returned for a timestamp,
 * and LATEST is the high watermark. With no transactions yet, the last stable offset (READ_COMMITTED) equals it.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ListOffsetsHandler.class);

    /** The version that introduced each special timestamp; others are refused as Kafka refuses them. */
    private static final Map<Long, Short> SPECIAL_TIMESTAMP_SINCE = Map.of(
            ListOffsetsRequest.LATEST_TIMESTAMP, (short) 1,
            ListOffsetsRequest.EARLIEST_TIMESTAMP, (short) 1,
            ListOffsetsRequest.MAX_TIMESTAMP, (short) 7,
            ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP, (short) 8,
            ListOffsetsRequest.LATEST_TIERED_TIMESTAMP, (short) 9);

    private final BrokerServices services;

    public ListOffsetsHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.LIST_OFFSETS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.LIST_OFFSETS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final ListOffsetsRequest request) {
        final short version = context.apiVersion();
        final Set<TopicPartition> duplicates = request.duplicatePartitions();
        final ListOffsetsResponseData data = new ListOffsetsResponseData();
        final List<CompletableFuture<?>> pending = new ArrayList<>();
        for (final ListOffsetsTopic topic : request.topics()) {
            final ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            for (final ListOffsetsPartition partition : topic.partitions()) {
                final int slot = topicResponse.partitions().size();
                topicResponse.partitions().add(null);
                final CompletableFuture<ListOffsetsPartitionResponse> answer =
                        duplicates.contains(new TopicPartition(topic.name(), partition.partitionIndex()))
                                ? CompletableFuture.completedFuture(unknown(partition.partitionIndex(), Errors.INVALID_REQUEST))
                                : listOffset(context, topic.name(), partition, version, request.isolationLevel());
                // Each answer fills its own slot, so the response keeps the request's order whatever completes first.
                pending.add(answer.thenAccept(a -> {
                    synchronized (topicResponse) {
                        topicResponse.partitions().set(slot, a);
                    }
                }));
            }
            data.topics().add(topicResponse);
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .thenApply(done -> new ListOffsetsResponse(data));
    }

    private CompletableFuture<ListOffsetsPartitionResponse> listOffset(final RequestContext context, final String topic,
            final ListOffsetsPartition partition,
            final short version, final org.apache.kafka.common.IsolationLevel isolation) {
        final int index = partition.partitionIndex();
        final long timestamp = partition.timestamp();
        if (timestamp < 0 && version < SPECIAL_TIMESTAMP_SINCE.getOrDefault(timestamp, Short.MAX_VALUE)) {
            return CompletableFuture.completedFuture(unknown(index, Errors.UNSUPPORTED_VERSION));
        }
        final TopicPartitions.Lookup lookup = TopicPartitions.lookup(services, context, AclOperation.DESCRIBE, topic, index);
        if (!lookup.found()) {
            return CompletableFuture.completedFuture(unknown(index, lookup.error()));
        }
        final Errors fenced = TopicPartitions.checkCurrentLeaderEpoch(partition.currentLeaderEpoch(),
                lookup.replica().leaderEpoch());
        if (fenced != Errors.NONE) {
            return CompletableFuture.completedFuture(unknown(index, fenced));
        }
        final ReplicaHandle replica = lookup.replica();
        if (!replica.inReadLease()) {
            // A leader cut off from its peers may already have a successor: its high watermark could be stale.
            return CompletableFuture.completedFuture(unknown(index, Errors.NOT_LEADER_OR_FOLLOWER));
        }
        final CompletableFuture<ListOffsetsPartitionResponse> found =
                isolation == org.apache.kafka.common.IsolationLevel.READ_COMMITTED && timestamp == ListOffsetsRequest.LATEST_TIMESTAMP
                        // read_committed consumers end at the last stable offset, not at undecided transactions
                        ? CompletableFuture.completedFuture(found(index, RecordBatch.NO_TIMESTAMP, replica.lastStableOffset(),
                                replica.leaderEpoch()))
                        : offsetFor(replica, index, timestamp);
        return found
                // The leader epoch exists from v4 on; serializing a non-default value at an older version fails.
                .thenApply(answer -> version >= 4 ? answer : answer.setLeaderEpoch(ListOffsetsResponse.UNKNOWN_EPOCH))
                .exceptionally(failure -> {   // KafkaStorageException: the log (or the bucket) failed
                    final Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                    LOG.warn("ListOffsets on {}-{} failed: {}", topic, index, cause.toString());
                    final Errors error = Errors.forException(cause);
                    return unknown(index, error == Errors.UNKNOWN_SERVER_ERROR ? Errors.KAFKA_STORAGE_ERROR : error);
                });
    }

    /**
     * The answer from the whole partition: the bucket's part below the local log (earliest, latest tiered, a search
     * by time that the bucket answers first) and the local log.
     */
    private static CompletableFuture<ListOffsetsPartitionResponse> offsetFor(final ReplicaHandle replica,
            final int index, final long timestamp) {
        final SegmentLog log = replica.log();
        final RemoteLog remote = replica.remote();
        final int leaderEpoch = replica.leaderEpoch();
        if (!remote.ready() && timestamp != ListOffsetsRequest.LATEST_TIMESTAMP
                && timestamp != ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            return CompletableFuture.completedFuture(unknown(index, Errors.LEADER_NOT_AVAILABLE));
        }
        if (replica.isReadReplica()) {
            return readReplicaOffset(replica, index, timestamp);
        }
        try {
            if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP) {
                return CompletableFuture.completedFuture(found(index, RecordBatch.NO_TIMESTAMP, replica.logStartOffset(), leaderEpoch));
            }
            if (timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP && remote.endOffset() >= 0) {
                return CompletableFuture.completedFuture(found(index, RecordBatch.NO_TIMESTAMP, remote.endOffset() - 1, leaderEpoch));
            }
            if (timestamp >= 0 && remote.startOffset() >= 0 && remote.startOffset() < log.logStartOffset()) {
                return remote.offsetForTimestamp(timestamp).thenApply(inBucket -> inBucket
                        .filter(r -> r.offset < log.logStartOffset())
                        .map(r -> found(index, r.timestamp, r.offset, r.leaderEpoch.orElse(leaderEpoch)))
                        .orElseGet(() -> offsetFor(log, index, timestamp, leaderEpoch)));
            }
            return CompletableFuture.completedFuture(offsetFor(log, index, timestamp, leaderEpoch));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A read replica has no local log: every answer comes from the bucket it follows. */
    private static CompletableFuture<ListOffsetsPartitionResponse> readReplicaOffset(final ReplicaHandle replica,
            final int index, final long timestamp) {
        final int leaderEpoch = replica.leaderEpoch();
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            return CompletableFuture.completedFuture(found(index, RecordBatch.NO_TIMESTAMP, replica.logStartOffset(), leaderEpoch));
        }
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP || timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
            return CompletableFuture.completedFuture(found(index, RecordBatch.NO_TIMESTAMP, replica.highWatermark(), leaderEpoch));
        }
        if (timestamp < 0) {   // MAX_TIMESTAMP: not kept for the bucket
            return CompletableFuture.completedFuture(unknown(index, Errors.NONE));
        }
        return replica.remote().offsetForTimestamp(timestamp).thenApply(inBucket -> inBucket
                .map(r -> found(index, r.timestamp, r.offset, r.leaderEpoch.orElse(leaderEpoch)))
                .orElseGet(() -> unknown(index, Errors.NONE)));
    }

    /** The answer for {@code timestamp} (a special one, or a time in ms) from a partition's log. */
    static ListOffsetsPartitionResponse offsetFor(final SegmentLog log, final int partition, final long timestamp,
            final int leaderEpoch) {
        final long highWatermark = log.highWatermark();
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            return found(partition, RecordBatch.NO_TIMESTAMP, highWatermark, leaderEpoch);
        }
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            return found(partition, RecordBatch.NO_TIMESTAMP, log.logStartOffset(), leaderEpoch);
        }
        if (timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
            // Nothing is tiered: Kafka answers -1 (and leader epoch -1) for a topic without remote storage.
            return unknown(partition, Errors.NONE);
        }
        final TimestampAndOffset record = timestamp == ListOffsetsRequest.MAX_TIMESTAMP
                ? log.maxTimestampRecord() : log.offsetForTimestamp(timestamp);
        if (record == null || record.offset >= highWatermark) {
            return unknown(partition, Errors.NONE);
        }
        return found(partition, record.timestamp, record.offset,
                record.leaderEpoch.orElse(leaderEpoch));
    }

    private static ListOffsetsPartitionResponse found(final int partition, final long timestamp, final long offset,
            final int leaderEpoch) {
        return new ListOffsetsPartitionResponse()
                .setPartitionIndex(partition)
                .setErrorCode(Errors.NONE.code())
                .setTimestamp(timestamp)
                .setOffset(offset)
                .setLeaderEpoch(leaderEpoch);
    }

    /** No offset: an error, or no record matches (offset and timestamp -1, leader epoch -1). */
    private static ListOffsetsPartitionResponse unknown(final int partition, final Errors error) {
        return new ListOffsetsPartitionResponse()
                .setPartitionIndex(partition)
                .setErrorCode(error.code())
                .setTimestamp(ListOffsetsResponse.UNKNOWN_TIMESTAMP)
                .setOffset(ListOffsetsResponse.UNKNOWN_OFFSET)
                .setLeaderEpoch(ListOffsetsResponse.UNKNOWN_EPOCH);
    }
}
