package io.ailurus.wasm.node;

import io.ailurus.cluster.transform.TransformMetadata.StartPosition;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a partition with no stored progress starts, as Redpanda resolves its offset options: from the start plus n,
 * from the end minus n, or from the first record at or after a timestamp (the deploy's time by default, so records
 * produced right after a deploy are not skipped), the end when there is none yet.
 */
final class StartPositions {

    private final Loopback kafka;

    StartPositions(final Loopback kafka) {
        this.kafka = kafka;
    }

    CompletableFuture<Long> resolve(final StartPosition start, final TopicPartition tp) {
        final CompletableFuture<Long> earliest = offset(tp, OffsetSpec.earliest());
        final CompletableFuture<Long> latest = offset(tp, OffsetSpec.latest());
        return earliest.thenCombine(latest, (first, end) -> new long[] {first, end}).thenCompose(range -> {
            final long first = range[0];
            final long end = range[1];
            return switch (start.kind()) {
                case FROM_START -> CompletableFuture.completedFuture(Math.min(end, first + start.value()));
                case FROM_END -> CompletableFuture.completedFuture(Math.max(first, end - start.value()));
                case TIMESTAMP -> offset(tp, OffsetSpec.forTimestamp(start.value()))
                        .thenApply(at -> at < 0 ? end : Math.max(first, at));
            };
        });
    }

    private CompletableFuture<Long> offset(final TopicPartition tp, final OffsetSpec spec) {
        return kafka.admin().listOffsets(Map.of(tp, spec)).partitionResult(tp).toCompletionStage()
                .toCompletableFuture().thenApply(info -> info.offset());
    }
}
