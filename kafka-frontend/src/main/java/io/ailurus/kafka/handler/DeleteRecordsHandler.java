package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.Futures;
import io.ailurus.kafka.RequestContext;
import io.ailurus.partition.replica.PartitionReplica;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteRecords: moves each partition's log start offset up to the requested offset (-1: the high watermark) through
 * its replica, and answers the new low watermark. Partitions are asked in parallel; an error answers -1, as in Kafka.
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteRecordsHandler.class);

    /**
     * The least time a replica is given. In Kafka the request's timeout only bounds the wait for followers, never the
     * leader's own deletion (which runs even with a timeout of 0); here the deletion itself is an ask to the replica,
     * which needs some time to answer.
     */
    static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);

    private final BrokerServices services;

    public DeleteRecordsHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_RECORDS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.DELETE_RECORDS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.DELETE_RECORDS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final DeleteRecordsRequest request) {
        final Duration timeout = timeout(request.data().timeoutMs());
        final List<CompletableFuture<DeleteRecordsPartitionResult>> all = new ArrayList<>();
        final List<List<CompletableFuture<DeleteRecordsPartitionResult>>> byTopic = new ArrayList<>();
        for (final DeleteRecordsTopic topic : request.data().topics()) {
            final List<CompletableFuture<DeleteRecordsPartitionResult>> partitions = new ArrayList<>();
            for (final DeleteRecordsPartition partition : topic.partitions()) {
                partitions.add(delete(context, topic.name(), partition.partitionIndex(), partition.offset(), timeout));
            }
            byTopic.add(partitions);
            all.addAll(partitions);
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            final DeleteRecordsResponseData data = new DeleteRecordsResponseData();
            int i = 0;
            for (final DeleteRecordsTopic topic : request.data().topics()) {
                // A topic named twice in the request gets one entry with all its partitions.
                DeleteRecordsTopicResult result = data.topics().find(topic.name());
                if (result == null) {
                    result = new DeleteRecordsTopicResult().setName(topic.name());
                    data.topics().add(result);
                }
                for (final CompletableFuture<DeleteRecordsPartitionResult> partition : byTopic.get(i)) {
                    result.partitions().add(partition.join());   // all complete (each handles its own failure)
                }
                i++;
            }
            return new DeleteRecordsResponse(data);
        });
    }

    private CompletableFuture<DeleteRecordsPartitionResult> delete(final RequestContext context, final String topic,
            final int partition,
            final long requestedOffset, final Duration timeout) {
        if (Topic.isInternal(topic)) {
            return done(partition, Errors.INVALID_TOPIC_EXCEPTION, -1);
        }
        final TopicPartitions.Lookup lookup = TopicPartitions.lookup(services, context, AclOperation.DELETE, topic, partition);
        if (!lookup.found()) {
            return done(partition, lookup.error(), -1);
        }
        // The high watermark only grows, so reading it here and deleting up to it in the replica is safe.
        final long offset = requestedOffset == DeleteRecordsRequest.HIGH_WATERMARK
                ? lookup.replica().log().highWatermark() : requestedOffset;
        if (offset < 0) {
            return done(partition, Errors.OFFSET_OUT_OF_RANGE, -1);
        }
        return services.partitions().deleteRecords(lookup.replica(), offset, timeout)
                .handle((deleted, failure) -> failure == null ? answer(partition, deleted)
                        : failed(topic, partition, failure));
    }

    private static DeleteRecordsPartitionResult answer(final int partition, final PartitionReplica.DeleteRecordsResult r) {
        return r.error() == Errors.NONE ? result(partition, Errors.NONE, r.lowWatermark()) : result(partition, r.error(), -1);
    }

    private static DeleteRecordsPartitionResult failed(final String topic, final int partition, final Throwable failure) {
        final Throwable cause = Futures.cause(failure);
        if (cause instanceof TimeoutException) {
            // The replica did not answer in time: it may still delete, as a timed-out Kafka request may have.
            return result(partition, Errors.REQUEST_TIMED_OUT, -1);
        }
        final Errors error = Errors.forException(cause);
        if (error == Errors.UNKNOWN_SERVER_ERROR) {
            LOG.warn("DeleteRecords on {}-{} failed", topic, partition, cause);
        }
        return result(partition, error, -1);
    }

    static Duration timeout(final int timeoutMs) {
        final Duration requested = Duration.ofMillis(Math.max(0, timeoutMs));
        return requested.compareTo(MIN_TIMEOUT) < 0 ? MIN_TIMEOUT : requested;
    }

    private static CompletableFuture<DeleteRecordsPartitionResult> done(final int partition, final Errors error,
            final long lowWatermark) {
        return CompletableFuture.completedFuture(result(partition, error, lowWatermark));
    }

    private static DeleteRecordsPartitionResult result(final int partition, final Errors error, final long lowWatermark) {
        return new DeleteRecordsPartitionResult()
                .setPartitionIndex(partition)
                .setErrorCode(error.code())
                .setLowWatermark(lowWatermark);
    }
}
