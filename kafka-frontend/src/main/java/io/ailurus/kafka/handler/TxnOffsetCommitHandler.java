package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
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
        final TxnOffsetCommitRequestData data = request.data();
        if (!context.authorized(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, data.transactionalId())) {
            return CompletableFuture.failedFuture(new TransactionalIdAuthorizationException(data.transactionalId()));
        }
        if (!allowed(context, AclOperation.READ, data.groupId())) {
            return CompletableFuture.failedFuture(new GroupAuthorizationException(data.groupId()));
        }
        final TxnOffsetCommitRequestData permitted = data.duplicate();
        final List<TxnOffsetCommitRequestTopic> refused = new ArrayList<>();
        permitted.topics().removeIf(t -> {
            final boolean denied = !context.authorized(AclOperation.READ, ResourceType.TOPIC, t.name());
            if (denied) {
                refused.add(t);
            }
            return denied;
        });
        final CompletableFuture<TxnOffsetCommitResponseData> committed = permitted.topics().isEmpty()
                ? CompletableFuture.completedFuture(new TxnOffsetCommitResponseData())
                : coordinator.txnCommitOffsets(permitted);
        return committed.thenApply(response -> {
            for (final TxnOffsetCommitRequestTopic t : refused) {
                final TxnOffsetCommitResponseTopic topic = new TxnOffsetCommitResponseTopic().setName(t.name());
                t.partitions().forEach(p -> topic.partitions().add(new TxnOffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex())
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())));
                response.topics().add(topic);
            }
            return new TxnOffsetCommitResponse(response);
        });
    }
}
