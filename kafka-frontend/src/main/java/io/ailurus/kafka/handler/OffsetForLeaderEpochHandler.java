package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import io.ailurus.partition.log.SegmentLog;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/**
 * OffsetForLeaderEpoch: where a leader epoch ends in a partition's log. Consumers ask it after a leader change to
 * detect truncation. Every partition here has had exactly one epoch, 0, starting at the log start offset.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetsForLeaderEpochRequest> {

    /** Kafka's "no such epoch" answer: epoch -1, offset -1. */
    private static final long UNDEFINED_EPOCH_OFFSET = -1L;

    private final BrokerServices services;

    public OffsetForLeaderEpochHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context,
            final OffsetsForLeaderEpochRequest request) {
        final OffsetForLeaderEpochResponseData data = new OffsetForLeaderEpochResponseData();
        for (final OffsetForLeaderTopic topic : request.data().topics()) {
            final OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (final OffsetForLeaderPartition partition : topic.partitions()) {
                result.partitions().add(endOffset(topic.topic(), partition));
            }
            data.topics().add(result);
        }
        return CompletableFuture.completedFuture(new OffsetsForLeaderEpochResponse(data));
    }

    private EpochEndOffset endOffset(final String topic, final OffsetForLeaderPartition partition) {
        final TopicPartitions.Lookup lookup = TopicPartitions.lookup(services, topic, partition.partition());
        Errors error = lookup.error();
        if (lookup.found()) {
            error = TopicPartitions.checkCurrentLeaderEpoch(partition.currentLeaderEpoch());
        }
        if (error != Errors.NONE) {
            return new EpochEndOffset()
                    .setPartition(partition.partition())
                    .setErrorCode(error.code())
                    .setLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH)
                    .setEndOffset(UNDEFINED_EPOCH_OFFSET);
        }
        return endOffsetFor(lookup.replica().log(), partition.partition(), partition.leaderEpoch());
    }

    /**
     * Kafka's LeaderEpochFileCache.endOffsetFor on a log whose only epoch is 0: the current epoch ends at the log end
     * offset; an unknown (-1) or later epoch has no end (-1, -1); an epoch below the first one ends where the first
     * one starts, the log start offset (the cache's first entry is moved up with it).
     */
    static EpochEndOffset endOffsetFor(final SegmentLog log, final int partition, final int requestedEpoch) {
        final EpochEndOffset answer = new EpochEndOffset().setPartition(partition).setErrorCode(Errors.NONE.code());
        if (requestedEpoch == TopicPartitions.LEADER_EPOCH) {
            return answer.setLeaderEpoch(requestedEpoch).setEndOffset(log.logEndOffset());
        }
        if (requestedEpoch == RecordBatch.NO_PARTITION_LEADER_EPOCH || requestedEpoch > TopicPartitions.LEADER_EPOCH) {
            return answer.setLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH).setEndOffset(UNDEFINED_EPOCH_OFFSET);
        }
        return answer.setLeaderEpoch(requestedEpoch).setEndOffset(log.logStartOffset());
    }
}
