package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.txn.TransactionCoordinator;
import io.ailurus.kafka.txn.TxnMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.requests.DescribeTransactionsResponse;

/** DescribeTransactions: the coordinator's view of each transactional id it owns (others: NOT_COORDINATOR). */
public final class DescribeTransactionsHandler extends TransactionHandler<DescribeTransactionsRequest> {

    public DescribeTransactionsHandler(final TransactionCoordinator coordinator) {
        super(coordinator, ApiKeys.DESCRIBE_TRANSACTIONS, Short.MAX_VALUE);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final DescribeTransactionsRequest request) {
        final List<CompletableFuture<DescribeTransactionsResponseData.TransactionState>> states = new ArrayList<>();
        for (final String id : request.data().transactionalIds()) {
            if (!context.authorized(AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id)) {
                states.add(CompletableFuture.completedFuture(new DescribeTransactionsResponseData.TransactionState()
                        .setTransactionalId(id).setTransactionState("").setProducerId(-1)
                        .setProducerEpoch((short) -1).setTransactionStartTimeMs(-1)
                        .setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())));
                continue;
            }
            states.add(coordinator.describe(id).handle((found, failure) -> describe(id, found, failure)));
        }
        return CompletableFuture.allOf(states.toArray(CompletableFuture[]::new)).thenApply(v -> {
            final DescribeTransactionsResponseData data = new DescribeTransactionsResponseData();
            states.forEach(s -> data.transactionStates().add(s.join()));
            return new DescribeTransactionsResponse(data);
        });
    }

    private static DescribeTransactionsResponseData.TransactionState describe(final String id,
            final Optional<TxnMetadata> found, final Throwable failure) {
        final DescribeTransactionsResponseData.TransactionState out = new DescribeTransactionsResponseData.TransactionState()
                .setTransactionalId(id).setTransactionState("").setProducerId(-1).setProducerEpoch((short) -1)
                .setTransactionStartTimeMs(-1);
        if (failure != null) {
            return out.setErrorCode(errorOf(failure).code());
        }
        if (found.isEmpty()) {
            return out.setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
        }
        final TxnMetadata m = found.get();
        out.setErrorCode(Errors.NONE.code()).setTransactionState(m.state().kafkaName()).setTransactionTimeoutMs(m.timeoutMs())
                .setTransactionStartTimeMs(m.startTimestampMs()).setProducerId(m.producerId())
                .setProducerEpoch(m.producerEpoch());
        for (final TopicPartition tp : m.partitions()) {
            DescribeTransactionsResponseData.TopicData topic = out.topics().find(tp.topic());
            if (topic == null) {
                topic = new DescribeTransactionsResponseData.TopicData().setTopic(tp.topic());
                out.topics().add(topic);
            }
            topic.partitions().add(tp.partition());
        }
        return out;
    }
}
