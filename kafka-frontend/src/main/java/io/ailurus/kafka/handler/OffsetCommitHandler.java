package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;

/** OffsetCommit: answered once the offsets are durable in the group's {@code __consumer_offsets} partition. */
public final class OffsetCommitHandler extends GroupHandler<OffsetCommitRequest> {

    public OffsetCommitHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.OFFSET_COMMIT, 9);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final OffsetCommitRequest request) {
        if (!allowed(context, AclOperation.READ, request.data().groupId())) {
            return CompletableFuture.failedFuture(new GroupAuthorizationException(request.data().groupId()));
        }
        // Partitions of topics the client may not read are refused one by one; the others are committed.
        final OffsetCommitRequestData permitted = request.data().duplicate();
        final List<OffsetCommitRequestTopic> refused = new ArrayList<>();
        permitted.topics().removeIf(t -> {
            final boolean denied = !context.authorized(AclOperation.READ, ResourceType.TOPIC, t.name());
            if (denied) {
                refused.add(t);
            }
            return denied;
        });
        final CompletableFuture<OffsetCommitResponseData> committed = permitted.topics().isEmpty()
                ? CompletableFuture.completedFuture(new OffsetCommitResponseData())
                : coordinator.ask(permitted.groupId(), replyTo -> new GroupCoordinatorShard.CommitOffsets(permitted, replyTo));
        return committed.thenApply(data -> {
            for (final OffsetCommitRequestTopic t : refused) {
                final OffsetCommitResponseTopic topic = new OffsetCommitResponseTopic().setName(t.name());
                t.partitions().forEach(p -> topic.partitions().add(new OffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex())
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())));
                data.topics().add(topic);
            }
            return new OffsetCommitResponse(data);
        });
    }
}
