package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;

/**
 * TxnOffsetCommit (KIP-98, KIP-447): a transactional producer commits a consumer group's offsets as part of its
 * transaction. Answered once they are durable in the group's {@code __consumer_offsets} partition; OffsetFetch sees
 * them only after the transaction commits.
 */
public final class TxnOffsetCommitHandler extends GroupHandler<TxnOffsetCommitRequest> {

    public TxnOffsetCommitHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.TXN_OFFSET_COMMIT, 4);   // v5 is for the epoch-per-transaction protocol (KIP-890 part 2), not announced
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final TxnOffsetCommitRequest request) {
        return coordinator.txnCommitOffsets(request.data()).thenApply(TxnOffsetCommitResponse::new);
    }
}
