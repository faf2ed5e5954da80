package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.txn.TransactionCoordinator;
import io.ailurus.kafka.txn.TransactionCoordinatorShard;
import io.ailurus.kafka.txn.TransactionCoordinatorState;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

/**
 * InitProducerId. Without a transactional id: a producer id never handed out before, with epoch 0. With one: the
 * transaction coordinator's answer (the id's producer id with its epoch bumped, fencing older incarnations).
 *
 * <p>Like Kafka's transaction coordinator, a request without a transactional id always gets a fresh id, even when it
 * carries its current id and epoch (KIP-360): bumping the epoch of the id it presents would trust an id this node
 * cannot check, and an id that was never handed out here (a client of an earlier cluster, say) could later be handed
 * to another producer, whose batches the partitions would then take for duplicates. A fresh id is always safe, and
 * clients accept it (Kafka answers the same).
 *
 * <p>Only up to v5: v6 (two-phase commit, KIP-939) is still marked unstable in kafka-clients 4.1, so its schema may
 * change, and clients do not send it unless told to.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {

    /** PRODUCER_FENCED exists from this version on; older clients get INVALID_PRODUCER_EPOCH. */
    private static final int FENCED_SINCE = 4;

    private final BrokerServices services;
    private final TransactionCoordinator transactions;

    public InitProducerIdHandler(final BrokerServices services, final TransactionCoordinator transactions) {
        this.services = services;
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.INIT_PRODUCER_ID.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.INIT_PRODUCER_ID.latestVersion(false);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final InitProducerIdRequest request) {
        final InitProducerIdRequestData data = request.data();
        final String transactionalId = data.transactionalId();
        if (transactionalId != null) {
            if (transactionalId.isEmpty()) {
                return failed(Errors.INVALID_REQUEST);   // as Kafka: an empty id is a client bug, not "no id"
            }
            if (!context.authorized(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId)) {
                return failed(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
            }
            final short version = context.apiVersion();
            return transactions.<TransactionCoordinatorState.Decision>tell(transactionalId,
                    reply -> new TransactionCoordinatorShard.InitProducerId(transactionalId, data.transactionTimeoutMs(),
                            data.producerId(), data.producerEpoch(), reply))
                    .handle((decision, failure) -> {
                        final Errors error = failure != null ? TransactionHandler.errorOf(failure) : decision.error();
                        if (error != Errors.NONE) {
                            return failed(TransactionHandler.forVersion(error, version, FENCED_SINCE)).join();
                        }
                        return new InitProducerIdResponse(new InitProducerIdResponseData()
                                .setErrorCode(Errors.NONE.code())
                                .setProducerId(decision.txn().producerId())
                                .setProducerEpoch(decision.txn().producerEpoch()));
                    });
        }
        // An idempotent producer: Kafka lets it in with IDEMPOTENT_WRITE on the cluster or WRITE on any topic.
        if (!context.authorizedOnCluster(AclOperation.IDEMPOTENT_WRITE)
                && !context.authorizedForAny(AclOperation.WRITE, ResourceType.TOPIC)) {
            return failed(Errors.CLUSTER_AUTHORIZATION_FAILED);
        }
        // Kafka's consistency check of the KIP-360 fields: both given or neither.
        if ((data.producerId() == RecordBatch.NO_PRODUCER_ID) != (data.producerEpoch() == RecordBatch.NO_PRODUCER_EPOCH)) {
            return failed(Errors.INVALID_REQUEST);
        }
        // Off the network thread: the id source fsyncs whenever it reserves a new block of ids. The timer thread is
        // ours (the default async pool starts a thread per task on small machines).
        return CompletableFuture.supplyAsync(() -> services.producerIds().nextProducerId(), services.timer())
                .thenApply(producerId -> new InitProducerIdResponse(new InitProducerIdResponseData()
                        .setErrorCode(Errors.NONE.code())
                        .setProducerId(producerId)
                        .setProducerEpoch((short) 0)));
    }

    private static CompletableFuture<AbstractResponse> failed(final Errors error) {
        return CompletableFuture.completedFuture(new InitProducerIdResponse(new InitProducerIdResponseData()
                .setErrorCode(error.code())
                .setProducerId(RecordBatch.NO_PRODUCER_ID)
                .setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH)));
    }
}
