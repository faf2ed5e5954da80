package io.ailurus.wasm.node;

import io.ailurus.cluster.controller.ReplicatedTopicStore;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.TopicExistsException;

/** The internal topics of transforms, created on first use with as many replicas as the cluster allows (up to 3). */
final class InternalTopics {

    static final String BINARIES = "__ailurus_wasm_binaries";
    static final String LOGS = "__ailurus_transform_logs";

    private final ReplicatedTopicStore topics;

    InternalTopics(final ReplicatedTopicStore topics) {
        this.topics = topics;
    }

    CompletableFuture<Void> ensure(final String name, final Map<String, String> configs) {
        if (topics.topic(name).isPresent()) {
            return CompletableFuture.completedFuture(null);
        }
        final short replicas = (short) Math.max(1, Math.min(3, topics.image().brokers().size()));
        return topics.create(name, 1, replicas, configs, false).handle((created, failure) -> {
            final Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
            if (cause != null && !(cause instanceof TopicExistsException)) {
                throw new CompletionException(cause);
            }
            return null;
        });
    }
}
