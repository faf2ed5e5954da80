package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;

/** ListGroups: every group this node coordinates, filtered by state (v4) and type (v5). */
public final class ListGroupsHandler extends GroupHandler<ListGroupsRequest> {

    public ListGroupsHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.LIST_GROUPS, 5);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final ListGroupsRequest request) {
        final List<String> states = request.data().statesFilter();
        final List<String> types = request.data().typesFilter();
        // Kafka: DESCRIBE on the cluster lists every group, otherwise the groups the client may describe.
        final boolean all = context.authorizedOnCluster(AclOperation.DESCRIBE);
        return coordinator.listAll().thenApply(groups -> {
            final ListGroupsResponseData data = new ListGroupsResponseData();
            for (final ListGroupsResponseData.ListedGroup g : groups) {
                final boolean stateOk = states == null || states.isEmpty()
                        || states.stream().anyMatch(s -> s.equalsIgnoreCase(g.groupState()));
                final boolean typeOk = types == null || types.isEmpty()
                        || types.stream().anyMatch(t -> t.equalsIgnoreCase(g.groupType()));
                if (stateOk && typeOk && (all || allowed(context, AclOperation.DESCRIBE, g.groupId()))) {
                    data.groups().add(g);
                }
            }
            return new ListGroupsResponse(data);
        });
    }
}
