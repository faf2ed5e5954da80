package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

/** SyncGroup: the leader hands in the assignment; every member gets its part once it is stored. */
public final class SyncGroupHandler extends GroupHandler<SyncGroupRequest> {

    public SyncGroupHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.SYNC_GROUP, 5);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final SyncGroupRequest request) {
        return this.<SyncGroupResponseData>askIfAllowed(context, AclOperation.READ, request.data().groupId(),
                        replyTo -> new GroupCoordinatorShard.Sync(request.data(), request.version(), replyTo))
                .thenApply(SyncGroupResponse::new);
    }
}
