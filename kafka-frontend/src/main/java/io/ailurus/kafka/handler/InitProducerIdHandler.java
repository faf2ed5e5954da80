package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InitProducerId for idempotent producers: a producer id never handed out before, with epoch 0. Transactional
 * producers are refused until transactions exist.
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

    private static final Logger LOG = LoggerFactory.getLogger(InitProducerIdHandler.class);

    /**
     * The answer to a transactional producer. kafka-clients' TransactionManager retries retriable errors forever
     * (until max.block.ms), turns TRANSACTIONAL_ID_AUTHORIZATION_FAILED into an abortable "authorization failed"
     * (which sends users looking for ACLs), and treats any other error as fatal: initTransactions() throws
     * "Unexpected error in InitProducerIdResponse; The version of API is not supported." at once. That is the
     * clearest of what the protocol can say (this response has no message field), and a fatal state is right, since
     * no retry can succeed.
     */
    static final Errors TRANSACTIONS_UNSUPPORTED = Errors.UNSUPPORTED_VERSION;

    private final BrokerServices services;

    public InitProducerIdHandler(final BrokerServices services) {
        this.services = services;
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
            LOG.info("Refused InitProducerId for transactional id '{}' from {}: transactions are not supported yet",
                    transactionalId, context.clientAddress());
            return failed(TRANSACTIONS_UNSUPPORTED);
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
