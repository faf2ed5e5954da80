package io.ailurus.wasm.node;

import io.ailurus.cluster.transform.TransformMetadata;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where each transform partition has got to: the next input offset to process, with the output sequences reached
 * there in its metadata, kept as the committed offset of a consumer group of its own in {@code __consumer_offsets}
 * (replicated, and visible to any Kafka tool). The group's
 * name carries the first deploy's time, so a transform deleted and deployed again starts afresh, while a re-deploy
 * (new binary or environment) continues.
 */
final class ProgressStore {

    private final Loopback kafka;

    ProgressStore(final Loopback kafka) {
        this.kafka = kafka;
    }

    static String group(final TransformMetadata transform) {
        return "__ailurus_transform." + transform.name() + "." + transform.deployedAtMs();
    }

    /** Stored progress: the next input offset, and the output sequences at that offset (when stored with it). */
    record Progress(long offset, Optional<OutputSequences> sequences) {
    }

    CompletableFuture<Optional<Progress>> load(final TransformMetadata transform, final TopicPartition input) {
        return kafka.admin().listConsumerGroupOffsets(group(transform)).partitionsToOffsetAndMetadata()
                .toCompletionStage().toCompletableFuture()
                .thenApply(offsets -> Optional.ofNullable(offsets.get(input)).map(o -> new Progress(o.offset(),
                        OutputSequences.decode(o.metadata(), transform.outputTopics().size()))));
    }

    /** All partitions' progress of {@code transform} (for the lag it shows). */
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> all(final TransformMetadata transform) {
        return kafka.admin().listConsumerGroupOffsets(group(transform)).partitionsToOffsetAndMetadata()
                .toCompletionStage().toCompletableFuture();
    }

    CompletableFuture<Void> commit(final TransformMetadata transform, final TopicPartition input, final long next,
                                   final OutputSequences sequences) {
        return kafka.admin().alterConsumerGroupOffsets(group(transform),
                        Map.of(input, new OffsetAndMetadata(next, sequences.encode())))
                .all().toCompletionStage().toCompletableFuture().thenApply(done -> null);
    }

    CompletableFuture<Void> forget(final TransformMetadata transform) {
        return kafka.admin().deleteConsumerGroups(java.util.List.of(group(transform))).all()
                .toCompletionStage().toCompletableFuture().thenApply(done -> null);
    }
}
