package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.txn.TransactionCoordinator;
import io.ailurus.kafka.txn.TransactionCoordinatorShard;
import io.ailurus.kafka.txn.TransactionCoordinatorState;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;

/**
 * EndTxn: commit or abort. Answered once the decision is durable in {@code __transaction_state}; the markers follow
 * (until they are written, the producer's next transaction is told CONCURRENT_TRANSACTIONS and retries), as Kafka.
 * Up to v4: v5 belongs to the epoch-per-transaction protocol (KIP-890 part 2), which this broker does not announce.
 */
public final class EndTxnHandler extends TransactionHandler<EndTxnRequest> {

    private static final int FENCED_SINCE = 2;

    public EndTxnHandler(final TransactionCoordinator coordinator) {
        super(coordinator, ApiKeys.END_TXN, 4);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final EndTxnRequest request) {
        final String id = request.data().transactionalId();
        final short version = context.apiVersion();
        if (!context.authorized(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, id)) {
            return CompletableFuture.failedFuture(new TransactionalIdAuthorizationException(id));
        }
        return coordinator.<TransactionCoordinatorState.Decision>tell(id, reply -> new TransactionCoordinatorShard.EndTransaction(
                        id, request.data().producerId(), request.data().producerEpoch(), request.data().committed(), reply))
                .handle((decision, failure) -> {
                    final Errors error = failure != null ? errorOf(failure) : decision.error();
                    return new EndTxnResponse(new EndTxnResponseData()
                            .setErrorCode(forVersion(error, version, FENCED_SINCE).code())
                            .setProducerId(RecordBatch.NO_PRODUCER_ID)
                            .setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH));
                });
    }
}
