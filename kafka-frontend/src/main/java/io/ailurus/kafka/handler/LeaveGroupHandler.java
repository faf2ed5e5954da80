package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;

/** LeaveGroup (batched from v3): the members go at once instead of after their session timeout. */
public final class LeaveGroupHandler extends GroupHandler<LeaveGroupRequest> {

    public LeaveGroupHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.LEAVE_GROUP, 5);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final LeaveGroupRequest request) {
        return this.<LeaveGroupResponseData>askIfAllowed(context, AclOperation.READ, request.data().groupId(),
                        replyTo -> new GroupCoordinatorShard.Leave(request.data(), request.version(), replyTo))
                .thenApply(LeaveGroupResponse::new);
    }
}
