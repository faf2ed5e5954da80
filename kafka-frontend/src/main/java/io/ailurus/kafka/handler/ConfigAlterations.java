package io.ailurus.kafka.handler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import io.ailurus.kafka.RequestContext;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * What AlterConfigs and IncrementalAlterConfigs share: every resource is altered on its own and answered on its own,
 * and a resource named twice in one request is refused (Kafka's rule) instead of altered twice.
 */
final class ConfigAlterations {

    private ConfigAlterations() {
    }

    private record Key(byte type, String name) {
    }

    /** Alters each resource with {@code alter}; the outcomes come back in request order. */
    /**
     * Whether the client may do {@code operation} on a config resource: a topic's configs are the topic's, a broker's
     * the cluster's (Kafka's rule). Null when allowed, else the error to answer.
     */
    static ApiError denied(final RequestContext context, final AclOperation operation, final byte resourceType,
            final String name) {
        final ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        if (type == ConfigResource.Type.TOPIC) {
            return context.authorized(operation, ResourceType.TOPIC, name) ? null
                    : new ApiError(Errors.TOPIC_AUTHORIZATION_FAILED, null);
        }
        return context.authorizedOnCluster(operation) ? null
                : new ApiError(Errors.CLUSTER_AUTHORIZATION_FAILED, null);
    }

    /** As the other {@code alterEach}, with ALTER_CONFIGS checked first on every resource. */
    static <R> CompletableFuture<List<ApiError>> alterEach(final RequestContext context, final List<R> resources,
            final ToIntFunction<R> type, final Function<R, String> name,
            final Function<R, CompletableFuture<ApiError>> alter) {
        return alterEach(resources, type, name, r -> {
            final ApiError denied = denied(context, AclOperation.ALTER_CONFIGS, (byte) type.applyAsInt(r),
                    name.apply(r));
            return denied != null ? CompletableFuture.completedFuture(denied) : alter.apply(r);
        });
    }

    static <R> CompletableFuture<List<ApiError>> alterEach(final List<R> resources, final ToIntFunction<R> type,
            final Function<R, String> name, final Function<R, CompletableFuture<ApiError>> alter) {
        final Map<Key, Integer> occurrences = new HashMap<>();
        for (final R r : resources) {
            occurrences.merge(new Key((byte) type.applyAsInt(r), name.apply(r)), 1, Integer::sum);
        }
        final List<CompletableFuture<ApiError>> outcomes = new ArrayList<>();
        for (final R r : resources) {
            outcomes.add(occurrences.get(new Key((byte) type.applyAsInt(r), name.apply(r))) > 1
                    ? CompletableFuture.completedFuture(new ApiError(Errors.INVALID_REQUEST, "Each resource must appear at most once."))
                    : alter.apply(r));
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> outcomes.stream().map(CompletableFuture::join).toList());
    }
}
