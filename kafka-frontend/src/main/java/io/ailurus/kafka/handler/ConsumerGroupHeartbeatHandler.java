package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.resource.ResourceType;

/** ConsumerGroupHeartbeat (KIP-848): join, stay, leave and receive the coordinator-computed assignment. */
public final class ConsumerGroupHeartbeatHandler extends GroupHandler<ConsumerGroupHeartbeatRequest> {

    public ConsumerGroupHeartbeatHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.CONSUMER_GROUP_HEARTBEAT, 1);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context,
            final ConsumerGroupHeartbeatRequest request) {
        final List<String> subscribed = request.data().subscribedTopicNames();
        if (subscribed != null && allowed(context, AclOperation.READ, request.data().groupId())) {
            // Kafka's rule: subscribing to a topic the member may not describe fails the heartbeat, naming them.
            final List<String> hidden = subscribed.stream()
                    .filter(t -> !context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, t)).sorted().toList();
            if (!hidden.isEmpty()) {
                return CompletableFuture.completedFuture(new ConsumerGroupHeartbeatResponse(
                        new ConsumerGroupHeartbeatResponseData().setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                                .setErrorMessage("Unauthorized topics: " + hidden)));
            }
        }
        return this.<ConsumerGroupHeartbeatResponseData>askIfAllowed(context, AclOperation.READ, request.data().groupId(),
                        replyTo -> new GroupCoordinatorShard.ConsumerHeartbeat(request.data(), context.header().clientId(),
                                context.clientHost(), replyTo))
                .thenApply(ConsumerGroupHeartbeatResponse::new);
    }
}
