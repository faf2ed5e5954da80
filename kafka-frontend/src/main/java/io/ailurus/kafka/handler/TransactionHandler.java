package io.ailurus.kafka.handler;

import io.ailurus.kafka.Futures;
import io.ailurus.kafka.txn.TransactionCoordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;

/** A handler of a transaction coordinator API: the coordinator, the API and the newest version served. */
abstract class TransactionHandler<Q extends AbstractRequest> extends CoordinatorHandler<TransactionCoordinator, Q> {

    TransactionHandler(final TransactionCoordinator coordinator, final ApiKeys api, final int latest) {
        super(coordinator, api, latest);
    }

    /**
     * PRODUCER_FENCED for clients that know it (from {@code fencedSince} on), INVALID_PRODUCER_EPOCH for older ones,
     * which read it the same way (Kafka's mapping).
     */
    static Errors forVersion(final Errors error, final short version, final int fencedSince) {
        return error == Errors.PRODUCER_FENCED && version < fencedSince ? Errors.INVALID_PRODUCER_EPOCH : error;
    }

    /** The error a failed coordinator call answers with (NOT_COORDINATOR when it does not run here). */
    static Errors errorOf(final Throwable failure) {
        final Errors error = Errors.forException(Futures.cause(failure));
        return error == Errors.UNKNOWN_SERVER_ERROR || error == Errors.REQUEST_TIMED_OUT
                ? Errors.COORDINATOR_NOT_AVAILABLE : error;
    }
}
