package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;

/** OffsetDelete: removes a group's committed offsets for partitions of topics it no longer subscribes to. */
public final class OffsetDeleteHandler extends GroupHandler<OffsetDeleteRequest> {

    public OffsetDeleteHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.OFFSET_DELETE, 0);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final OffsetDeleteRequest request) {
        final OffsetDeleteRequestData req = request.data();
        final List<TopicPartition> partitions = new ArrayList<>();
        final Set<String> refused = new HashSet<>();
        for (final OffsetDeleteRequestData.OffsetDeleteRequestTopic t : req.topics()) {
            if (!context.authorized(AclOperation.READ, ResourceType.TOPIC, t.name())) {
                refused.add(t.name());
                continue;
            }
            t.partitions().forEach(p -> partitions.add(new TopicPartition(t.name(), p.partitionIndex())));
        }
        return this.<GroupCoordinatorShard.DeletedOffsets>askIfAllowed(context, AclOperation.DELETE, req.groupId(),
                        replyTo -> new GroupCoordinatorShard.DeleteOffsets(req.groupId(), partitions, replyTo))
                .thenApply(result -> {
                    final OffsetDeleteResponseData data = new OffsetDeleteResponseData().setErrorCode(result.error().code());
                    if (result.error() == Errors.NONE) {
                        for (final OffsetDeleteRequestData.OffsetDeleteRequestTopic t : req.topics()) {
                            final OffsetDeleteResponseData.OffsetDeleteResponseTopic rt =
                                    new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
                            t.partitions().forEach(p -> rt.partitions().add(
                                    new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                                            .setPartitionIndex(p.partitionIndex())
                                            .setErrorCode(refused.contains(t.name())
                                                    ? Errors.TOPIC_AUTHORIZATION_FAILED.code()
                                                    : result.partitions().getOrDefault(new TopicPartition(t.name(),
                                                            p.partitionIndex()), Errors.NONE).code())));
                            data.topics().add(rt);
                        }
                    }
                    return new OffsetDeleteResponse(data);
                });
    }
}
