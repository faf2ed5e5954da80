package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupCoordinatorShard;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;

/** OffsetCommit: answered once the offsets are durable in the group's {@code __consumer_offsets} partition. */
public final class OffsetCommitHandler extends GroupHandler<OffsetCommitRequest> {

    public OffsetCommitHandler(final GroupCoordinator coordinator) {
        super(coordinator, ApiKeys.OFFSET_COMMIT, 9);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final OffsetCommitRequest request) {
        return coordinator.<OffsetCommitResponseData>ask(request.data().groupId(),
                        replyTo -> new GroupCoordinatorShard.CommitOffsets(request.data(), replyTo))
                .thenApply(OffsetCommitResponse::new);
    }
}
