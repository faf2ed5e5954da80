package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import io.ailurus.partition.raft.EpochHistory;
import io.ailurus.partition.replica.PartitionReplica;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
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
 * OffsetForLeaderEpoch: where a leader epoch ends in a partition's log, answered by the partition's leader from its
 * epoch history (the Raft terms of its batches). Consumers ask it after a leader change to detect truncation.
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
        final List<CompletableFuture<EpochEndOffset>> answers = new ArrayList<>();
        for (final OffsetForLeaderTopic topic : request.data().topics()) {
            for (final OffsetForLeaderPartition partition : topic.partitions()) {
                answers.add(endOffset(context, topic.topic(), partition));
            }
        }
        // Answers complete in any order (some come from partition actors); the response keeps the request's order.
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
            int next = 0;
            for (final OffsetForLeaderTopic topic : request.data().topics()) {
                final OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
                data.topics().add(result);
                for (int i = 0; i < topic.partitions().size(); i++) {
                    result.partitions().add(answers.get(next++).join());
                }
            }
            return new OffsetsForLeaderEpochResponse(data);
        });
    }

    private CompletableFuture<EpochEndOffset> endOffset(final RequestContext context, final String topic,
            final OffsetForLeaderPartition partition) {
        final TopicPartitions.Lookup lookup = TopicPartitions.lookup(services, context, AclOperation.DESCRIBE, topic,
                partition.partition());
        Errors error = lookup.error();
        if (lookup.found()) {
            error = TopicPartitions.checkCurrentLeaderEpoch(partition.currentLeaderEpoch(), lookup.replica().leaderEpoch());
        }
        if (error != Errors.NONE) {
            return CompletableFuture.completedFuture(undefined(partition.partition(), error));
        }
        // Only the leader answers, from its epoch history (a follower's may lack the latest epochs).
        final CompletableFuture<EpochHistory.EpochEndOffset> reply = new CompletableFuture<>();
        lookup.replica().actor().tell(new PartitionReplica.EndOffsetForEpoch(partition.leaderEpoch(), reply));
        return reply.orTimeout(10, TimeUnit.SECONDS).handle((end, failure) -> failure != null
                ? undefined(partition.partition(), Errors.NOT_LEADER_OR_FOLLOWER)
                : new EpochEndOffset().setPartition(partition.partition()).setErrorCode(Errors.NONE.code())
                        .setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset()));
    }

    private static EpochEndOffset undefined(final int partition, final Errors error) {
        return new EpochEndOffset()
                .setPartition(partition)
                .setErrorCode(error.code())
                .setLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH)
                .setEndOffset(UNDEFINED_EPOCH_OFFSET);
    }
}
