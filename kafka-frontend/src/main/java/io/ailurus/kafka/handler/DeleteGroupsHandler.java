package io.ailurus.kafka.handler;

import io.ailurus.kafka.Futures;
import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;

/** DeleteGroups: only empty groups (NON_EMPTY_GROUP otherwise); their offsets go with them. */
public final class DeleteGroupsHandler extends GroupHandler<DeleteGroupsRequest> {

    public DeleteGroupsHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.DELETE_GROUPS, 2);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final DeleteGroupsRequest request) {
        final Map<String, CompletableFuture<Errors>> results = new LinkedHashMap<>();
        for (final String groupId : request.data().groupsNames()) {
            results.put(groupId, this.<Errors>askIfAllowed(context, AclOperation.DELETE, groupId,
                            replyTo -> new GroupCoordinatorShard.DeleteGroup(groupId, replyTo))
                    .exceptionally(failure -> Errors.forException(Futures.cause(failure))));
        }
        return CompletableFuture.allOf(results.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            final DeleteGroupsResponseData data = new DeleteGroupsResponseData();
            results.forEach((group, error) -> data.results().add(new DeleteGroupsResponseData.DeletableGroupResult()
                    .setGroupId(group).setErrorCode(error.join().code())));
            return new DeleteGroupsResponse(data);
        });
    }
}
