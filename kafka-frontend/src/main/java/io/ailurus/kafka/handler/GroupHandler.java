package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Base of the group APIs: they all route to the group's coordinator. Versions: kafka-clients' oldest up to
 * {@code latest}, which stays below versions that need the KIP-848 protocol or topic ids in group requests.
 */
abstract class GroupHandler<Q extends AbstractRequest> extends CoordinatorHandler<GroupCoordinator, Q> {

    GroupHandler(final GroupCoordinator coordinator, final ApiKeys api, final int latest) {
        super(coordinator, api, latest);
    }

    /**
     * Asks the group's coordinator when the client may do {@code operation} on the group; otherwise fails with
     * GROUP_AUTHORIZATION_FAILED, which the request's error response carries.
     */
    protected <T> CompletableFuture<T> askIfAllowed(final RequestContext context, final AclOperation operation,
            final String groupId, final Function<ActorRef<T>, GroupCoordinatorShard.Command> message) {
        return allowed(context, operation, groupId) ? coordinator.ask(groupId, message)
                : CompletableFuture.failedFuture(new GroupAuthorizationException(groupId));
    }

    protected <T> CompletableFuture<T> askIfAllowed(final RequestContext context, final AclOperation operation,
            final String groupId, final Function<ActorRef<T>, GroupCoordinatorShard.Command> message,
            final Duration timeout) {
        return allowed(context, operation, groupId) ? coordinator.ask(groupId, message, timeout)
                : CompletableFuture.failedFuture(new GroupAuthorizationException(groupId));
    }

    protected static boolean allowed(final RequestContext context, final AclOperation operation, final String groupId) {
        return context.authorized(operation, ResourceType.GROUP, groupId);
    }
}
