package io.ailurus.kafka.handler;

import io.ailurus.kafka.Futures;
import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.ClassicGroupOffsets;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * OffsetFetch: a group's committed offsets (-1 where none), for the listed partitions or all of them; several groups
 * per request from v8. Groups whose coordinator is elsewhere or loading get their error and no offsets. With
 * requireStable (v7+, read_committed consumers) partitions that an open transaction may still change are answered
 * UNSTABLE_OFFSET_COMMIT, which the client retries.
 */
public final class OffsetFetchHandler extends GroupHandler<OffsetFetchRequest> {

    public OffsetFetchHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.OFFSET_FETCH, 9);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final OffsetFetchRequest request) {
        final List<OffsetFetchRequestData.OffsetFetchRequestGroup> groups = request.groups();
        final Map<String, CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup>> answers = new LinkedHashMap<>();
        for (final OffsetFetchRequestData.OffsetFetchRequestGroup g : groups) {
            answers.put(g.groupId(), fetch(context, g, request.data().requireStable()));
        }
        return CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            final OffsetFetchResponseData data = new OffsetFetchResponseData();
            if (request.version() >= 8) {
                answers.values().forEach(f -> data.groups().add(f.join()));
            } else {
                final OffsetFetchResponseData.OffsetFetchResponseGroup g = answers.values().iterator().next().join();
                data.setErrorCode(g.errorCode());
                for (final OffsetFetchResponseData.OffsetFetchResponseTopics t : g.topics()) {
                    final OffsetFetchResponseData.OffsetFetchResponseTopic old =
                            new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
                    t.partitions().forEach(p -> old.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                            .setPartitionIndex(p.partitionIndex()).setCommittedOffset(p.committedOffset())
                            .setCommittedLeaderEpoch(p.committedLeaderEpoch()).setMetadata(p.metadata())
                            .setErrorCode(p.errorCode())));
                    data.topics().add(old);
                }
            }
            return new OffsetFetchResponse(data, request.version());
        });
    }

    private CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup> fetch(final RequestContext context,
            final OffsetFetchRequestData.OffsetFetchRequestGroup g, final boolean requireStable) {
        if (!allowed(context, AclOperation.DESCRIBE, g.groupId())) {
            return CompletableFuture.completedFuture(new OffsetFetchResponseData.OffsetFetchResponseGroup()
                    .setGroupId(g.groupId()).setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
        }
        final List<TopicPartition> partitions;
        if (g.topics() == null) {
            partitions = null;
        } else {
            partitions = new ArrayList<>();
            for (final OffsetFetchRequestData.OffsetFetchRequestTopics t : g.topics()) {
                t.partitionIndexes().forEach(p -> partitions.add(new TopicPartition(t.name(), p)));
            }
        }
        return coordinator.<GroupCoordinatorShard.FetchedOffsets>ask(g.groupId(),
                        replyTo -> new GroupCoordinatorShard.FetchOffsets(g.groupId(), partitions, requireStable, replyTo))
                .handle((fetched, failure) -> {
                    final OffsetFetchResponseData.OffsetFetchResponseGroup out =
                            new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(g.groupId());
                    if (failure != null) {
                        return out.setErrorCode(Errors.forException(Futures.cause(failure)).code());
                    }
                    ClassicGroupOffsets.fill(out, partitions, fetched.offsets(), fetched.unstable());
                    hideUnauthorizedTopics(context, out, partitions == null);
                    return out;
                });
    }

    /**
     * Kafka's rule for topics the client may not describe: left out of an all-partitions fetch, answered
     * TOPIC_AUTHORIZATION_FAILED (and no offset) where they were asked for by name.
     */
    private static void hideUnauthorizedTopics(final RequestContext context,
            final OffsetFetchResponseData.OffsetFetchResponseGroup out, final boolean allPartitions) {
        out.topics().removeIf(t -> allPartitions
                && !context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, t.name()));
        for (final OffsetFetchResponseData.OffsetFetchResponseTopics t : out.topics()) {
            if (!context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, t.name())) {
                t.partitions().forEach(p -> p.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setCommittedOffset(-1).setMetadata(""));
            }
        }
    }
}
