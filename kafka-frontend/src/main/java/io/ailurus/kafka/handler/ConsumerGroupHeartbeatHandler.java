package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;

/** ConsumerGroupHeartbeat (KIP-848): join, stay, leave and receive the coordinator-computed assignment. */
public final class ConsumerGroupHeartbeatHandler extends GroupHandler<ConsumerGroupHeartbeatRequest> {

    public ConsumerGroupHeartbeatHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.CONSUMER_GROUP_HEARTBEAT, 1);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context,
            final ConsumerGroupHeartbeatRequest request) {
        return this.<ConsumerGroupHeartbeatResponseData>askIfAllowed(context, AclOperation.READ, request.data().groupId(),
                        replyTo -> new GroupCoordinatorShard.ConsumerHeartbeat(request.data(), context.header().clientId(),
                                context.clientHost(), replyTo))
                .thenApply(ConsumerGroupHeartbeatResponse::new);
    }
}
