package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;

/** JoinGroup: parks until the group's rebalance completes (or answers at once with MEMBER_ID_REQUIRED / errors). */
public final class JoinGroupHandler extends GroupHandler<JoinGroupRequest> {

    public JoinGroupHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.JOIN_GROUP, 9);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final JoinGroupRequest request) {
        return this.<JoinGroupResponseData>askIfAllowed(context, AclOperation.READ, request.data().groupId(),
                        replyTo -> new GroupCoordinatorShard.Join(request.data(), request.version(),
                                context.header().clientId(), context.clientHost(), replyTo),
                        GroupCoordinator.joinTimeout(request.data().rebalanceTimeoutMs(), request.data().sessionTimeoutMs()))
                .thenApply(data -> new JoinGroupResponse(data, request.version()));
    }
}
