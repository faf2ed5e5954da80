package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;

/** Heartbeat: keeps a member alive and tells it when a rebalance started. */
public final class HeartbeatHandler extends GroupHandler<HeartbeatRequest> {

    public HeartbeatHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.HEARTBEAT, 4);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final HeartbeatRequest request) {
        return this.<Errors>askIfAllowed(context, AclOperation.READ, request.data().groupId(),
                        replyTo -> new GroupCoordinatorShard.Heartbeat(request.data(), replyTo))
                .thenApply(error -> new HeartbeatResponse(new HeartbeatResponseData().setErrorCode(error.code())));
    }
}
