package io.ailurus.kafka.handler;

import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.txn.TransactionCoordinator;
import io.ailurus.kafka.txn.TransactionCoordinatorShard;
import io.ailurus.kafka.txn.TransactionCoordinatorState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

/**
 * AddPartitionsToTxn as producers send it (v0–v3: one transaction): the partitions join the producer's transaction.
 * Unknown partitions fail the request (the others are not attempted), as in Kafka. v4+ is the broker-to-coordinator
 * verification of KIP-890, which this broker does not send.
 */
public final class AddPartitionsToTxnHandler extends TransactionHandler<AddPartitionsToTxnRequest> {

    private static final int FENCED_SINCE = 2;
    private final BrokerServices services;

    public AddPartitionsToTxnHandler(final BrokerServices services, final TransactionCoordinator coordinator) {
        super(coordinator, ApiKeys.ADD_PARTITIONS_TO_TXN, 3);
        this.services = services;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final AddPartitionsToTxnRequest request) {
        final String id = request.data().v3AndBelowTransactionalId();
        final List<TopicPartition> partitions = AddPartitionsToTxnRequest.getPartitions(request.data().v3AndBelowTopics());
        final List<TopicPartition> unknown = new ArrayList<>();
        for (final TopicPartition tp : partitions) {
            final boolean exists = services.topics().topic(tp.topic())
                    .map(t -> tp.partition() >= 0 && tp.partition() < t.partitions()).orElse(false);
            if (!exists || Topic.isInternal(tp.topic())) {
                unknown.add(tp);
            }
        }
        if (!unknown.isEmpty()) {
            return CompletableFuture.completedFuture(answer(partitions, tp -> unknown.contains(tp)
                    ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.OPERATION_NOT_ATTEMPTED));
        }
        final short version = context.apiVersion();
        return coordinator.<TransactionCoordinatorState.Decision>tell(id, reply -> new TransactionCoordinatorShard.AddPartitions(
                        id, request.data().v3AndBelowProducerId(), request.data().v3AndBelowProducerEpoch(), partitions, reply))
                .handle((decision, failure) -> {
                    final Errors error = failure != null ? errorOf(failure) : decision.error();
                    return answer(partitions, tp -> forVersion(error, version, FENCED_SINCE));
                });
    }

    private static AbstractResponse answer(final List<TopicPartition> partitions,
            final java.util.function.Function<TopicPartition, Errors> errorOf) {
        final java.util.Map<TopicPartition, Errors> errors = new java.util.HashMap<>();
        partitions.forEach(tp -> errors.put(tp, errorOf.apply(tp)));
        final AddPartitionsToTxnResponseData data = new AddPartitionsToTxnResponseData()
                .setResultsByTopicV3AndBelow(AddPartitionsToTxnResponse.resultForTransaction(
                        AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID, errors).topicResults());
        return new AddPartitionsToTxnResponse(data);
    }
}
