package io.ailurus.kafka.handler;

import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.txn.TransactionCoordinator;
import io.ailurus.kafka.txn.TransactionCoordinatorShard;
import io.ailurus.kafka.txn.TransactionCoordinatorState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

/**
 * AddPartitionsToTxn. As producers send it (v0–v3: one transaction), the partitions join the producer's transaction;
 * unknown partitions fail the request (the others are not attempted), as in Kafka. As brokers send it (v4+: several
 * transactions, each verify-only for KIP-890), each transaction's partitions are checked against its open
 * transaction (or added, for a transaction not marked verify-only).
 */
public final class AddPartitionsToTxnHandler extends TransactionHandler<AddPartitionsToTxnRequest> {

    private static final int FENCED_SINCE = 2;
    private final BrokerServices services;

    public AddPartitionsToTxnHandler(final BrokerServices services, final TransactionCoordinator coordinator) {
        super(coordinator, ApiKeys.ADD_PARTITIONS_TO_TXN, Short.MAX_VALUE);
        this.services = services;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final AddPartitionsToTxnRequest request) {
        if (context.apiVersion() >= 4) {
            // Brokers verifying a produce (KIP-890): their request, not a client's.
            if (!context.authorizedOnCluster(AclOperation.CLUSTER_ACTION)) {
                return CompletableFuture.failedFuture(new ClusterAuthorizationException(
                        "AddPartitionsToTxn v4+ is a broker's request: it needs CLUSTER_ACTION"));
            }
            return fromBroker(request);
        }
        final String id = request.data().v3AndBelowTransactionalId();
        final List<TopicPartition> partitions = AddPartitionsToTxnRequest.getPartitions(request.data().v3AndBelowTopics());
        if (!context.authorized(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, id)) {
            return CompletableFuture.completedFuture(answer(partitions,
                    tp -> Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
        }
        final List<TopicPartition> refused = partitions.stream()
                .filter(tp -> !context.authorized(AclOperation.WRITE, ResourceType.TOPIC, tp.topic())).toList();
        if (!refused.isEmpty()) {
            return CompletableFuture.completedFuture(answer(partitions, tp -> refused.contains(tp)
                    ? Errors.TOPIC_AUTHORIZATION_FAILED : Errors.OPERATION_NOT_ATTEMPTED));
        }
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

    private CompletableFuture<AbstractResponse> fromBroker(final AddPartitionsToTxnRequest request) {
        final List<CompletableFuture<AddPartitionsToTxnResponseData.AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (final AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction txn : request.data().transactions()) {
            final String id = txn.transactionalId();
            final List<TopicPartition> partitions = AddPartitionsToTxnRequest.getPartitions(txn.topics());
            final CompletableFuture<java.util.Map<TopicPartition, Errors>> errors = txn.verifyOnly()
                    ? coordinator.<java.util.Map<TopicPartition, Errors>>tell(id, reply -> new TransactionCoordinatorShard.VerifyPartitions(
                            id, txn.producerId(), txn.producerEpoch(), partitions, reply))
                    : coordinator.<TransactionCoordinatorState.Decision>tell(id, reply -> new TransactionCoordinatorShard.AddPartitions(
                            id, txn.producerId(), txn.producerEpoch(), partitions, reply))
                            .thenApply(decision -> each(partitions, decision.error()));
            results.add(errors.exceptionally(failure -> each(partitions, errorOf(failure)))
                    .thenApply(map -> AddPartitionsToTxnResponse.resultForTransaction(id, map)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            final AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection all =
                    new AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection();
            results.forEach(r -> all.add(r.join()));
            return new AddPartitionsToTxnResponse(new AddPartitionsToTxnResponseData().setResultsByTransaction(all));
        });
    }

    private static java.util.Map<TopicPartition, Errors> each(final List<TopicPartition> partitions, final Errors error) {
        final java.util.Map<TopicPartition, Errors> out = new java.util.HashMap<>();
        partitions.forEach(tp -> out.put(tp, error));
        return out;
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
