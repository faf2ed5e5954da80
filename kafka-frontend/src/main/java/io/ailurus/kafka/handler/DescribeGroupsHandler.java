package io.ailurus.kafka.handler;

import io.ailurus.kafka.Futures;
import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;

/** DescribeGroups: state, protocol and members (with their subscription and assignment) of each group. */
public final class DescribeGroupsHandler extends GroupHandler<DescribeGroupsRequest> {

    public DescribeGroupsHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.DESCRIBE_GROUPS, 6);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final DescribeGroupsRequest request) {
        final List<CompletableFuture<DescribeGroupsResponseData.DescribedGroup>> described = new ArrayList<>();
        for (final String groupId : request.data().groups()) {
            described.add(this.<DescribeGroupsResponseData.DescribedGroup>askIfAllowed(context, AclOperation.DESCRIBE,
                            groupId,
                            replyTo -> new GroupCoordinatorShard.Describe(groupId, request.version(), replyTo))
                    .exceptionally(failure -> new DescribeGroupsResponseData.DescribedGroup().setGroupId(groupId)
                            .setErrorCode(Errors.forException(Futures.cause(failure)).code())
                            .setGroupState("").setProtocolType("").setProtocolData("")));
        }
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(v -> {
            final DescribeGroupsResponseData data = new DescribeGroupsResponseData();
            described.forEach(f -> data.groups().add(f.join()));
            return new DescribeGroupsResponse(data);
        });
    }
}
