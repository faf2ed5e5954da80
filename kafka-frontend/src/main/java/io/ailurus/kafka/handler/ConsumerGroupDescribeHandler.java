package io.ailurus.kafka.handler;

import io.ailurus.kafka.Futures;
import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;

/**
 * ConsumerGroupDescribe (KIP-848): epochs, members, their assignment and target of each consumer-protocol group. A
 * classic group (or none) is GROUP_ID_NOT_FOUND, as in Kafka: kafka-clients' admin then describes it with
 * DescribeGroups, so {@code describeConsumerGroups} reports each group with its own type.
 */
public final class ConsumerGroupDescribeHandler extends GroupHandler<ConsumerGroupDescribeRequest> {

    public ConsumerGroupDescribeHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.CONSUMER_GROUP_DESCRIBE, ApiKeys.CONSUMER_GROUP_DESCRIBE.latestVersion());
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context,
            final ConsumerGroupDescribeRequest request) {
        final List<CompletableFuture<ConsumerGroupDescribeResponseData.DescribedGroup>> described = new ArrayList<>();
        for (final String groupId : request.data().groupIds()) {
            described.add(this.<ConsumerGroupDescribeResponseData.DescribedGroup>askIfAllowed(context,
                            AclOperation.DESCRIBE, groupId,
                            replyTo -> new GroupCoordinatorShard.DescribeConsumerGroup(groupId, replyTo))
                    .exceptionally(failure -> new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                            .setErrorCode(Errors.forException(Futures.cause(failure)).code())));
        }
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(v -> {
            final ConsumerGroupDescribeResponseData data = new ConsumerGroupDescribeResponseData();
            described.forEach(f -> data.groups().add(f.join()));
            return new ConsumerGroupDescribeResponse(data);
        });
    }
}
