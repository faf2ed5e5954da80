package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.txn.TransactionCoordinator;
import io.ailurus.kafka.txn.TransactionCoordinatorShard;
import io.ailurus.kafka.txn.TransactionCoordinatorState;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.AddOffsetsToTxnResponse;

/**
 * AddOffsetsToTxn: the group's {@code __consumer_offsets} partition joins the transaction, so that its marker makes
 * the offsets sent with TxnOffsetCommit visible at commit (or drops them at abort).
 */
public final class AddOffsetsToTxnHandler extends TransactionHandler<AddOffsetsToTxnRequest> {

    private static final int FENCED_SINCE = 2;
    private final GroupCoordinator groups;

    public AddOffsetsToTxnHandler(final TransactionCoordinator coordinator, final GroupCoordinator groups) {
        super(coordinator, ApiKeys.ADD_OFFSETS_TO_TXN, Short.MAX_VALUE);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final AddOffsetsToTxnRequest request) {
        final String id = request.data().transactionalId();
        final String group = request.data().groupId();
        final short version = context.apiVersion();
        if (group == null || group.isEmpty()) {
            return CompletableFuture.completedFuture(answer(Errors.INVALID_GROUP_ID));
        }
        if (!context.authorized(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, id)) {
            return CompletableFuture.completedFuture(answer(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
        }
        if (!context.authorized(AclOperation.READ, ResourceType.GROUP, group)) {
            return CompletableFuture.completedFuture(answer(Errors.GROUP_AUTHORIZATION_FAILED));
        }
        final TopicPartition offsets = new TopicPartition(GroupCoordinator.OFFSETS_TOPIC, groups.partitionFor(group));
        return coordinator.<TransactionCoordinatorState.Decision>tell(id, reply -> new TransactionCoordinatorShard.AddPartitions(
                        id, request.data().producerId(), request.data().producerEpoch(), List.of(offsets), reply))
                .handle((decision, failure) -> answer(forVersion(failure != null ? errorOf(failure) : decision.error(),
                        version, FENCED_SINCE)));
    }

    private static AbstractResponse answer(final Errors error) {
        return new AddOffsetsToTxnResponse(new AddOffsetsToTxnResponseData().setErrorCode(error.code()));
    }
}
