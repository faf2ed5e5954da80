package io.ailurus.kafka.handler;

import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteTopics by name (every version) or by topic id (v6). As Kafka's controller does, a topic named twice, or an
 * entry giving both or neither of name and id, is rejected rather than guessed at; an unknown id is UNKNOWN_TOPIC_ID.
 * The topic is gone once the topic table has committed the delete; its replicas stop and remove their data after.
 */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteTopicsHandler.class);

    private final BrokerServices services;

    public DeleteTopicsHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_TOPICS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.DELETE_TOPICS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.DELETE_TOPICS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final DeleteTopicsRequest request) {
        final List<CompletableFuture<DeletableTopicResult>> results = new ArrayList<>();
        final List<String> names = new ArrayList<>(request.data().topicNames());   // v1-5
        final List<Uuid> ids = new ArrayList<>();
        for (final DeleteTopicState topic : request.data().topics()) {                // v6
            final boolean hasId = !Uuid.ZERO_UUID.equals(topic.topicId());
            if (topic.name() == null && !hasId) {
                results.add(done(null, Uuid.ZERO_UUID,
                        new ApiError(Errors.INVALID_REQUEST, "Neither topic name nor id were specified.")));
            } else if (topic.name() != null && hasId) {
                results.add(done(topic.name(), topic.topicId(),
                        new ApiError(Errors.INVALID_REQUEST, "You may not specify both topic name and topic id.")));
            } else if (hasId) {
                ids.add(topic.topicId());
            } else {
                names.add(topic.name());
            }
        }
        final Set<String> duplicateNames = duplicates(names);
        final Set<Uuid> duplicateIds = duplicates(ids);
        duplicateNames.forEach(name -> results.add(done(name, Uuid.ZERO_UUID,
                new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name."))));
        duplicateIds.forEach(id -> results.add(done(null, id, new ApiError(Errors.INVALID_REQUEST, "Duplicate topic id."))));

        // What to delete: name → the id it was asked by (ZERO when asked by name).
        final Map<String, Uuid> toDelete = new LinkedHashMap<>();
        for (final String name : new LinkedHashSet<>(names)) {
            if (!duplicateNames.contains(name)) {
                toDelete.put(name, Uuid.ZERO_UUID);
            }
        }
        for (final Uuid id : new LinkedHashSet<>(ids)) {
            if (duplicateIds.contains(id)) {
                continue;
            }
            final Optional<TopicMetadata> topic = services.topics().topic(id);
            if (topic.isEmpty()) {
                results.add(done(null, id, new ApiError(Errors.UNKNOWN_TOPIC_ID, null)));
            } else if (toDelete.containsKey(topic.get().name())) {
                // The same topic asked for by name and by id: ambiguous, as in Kafka.
                final String name = topic.get().name();
                toDelete.remove(name);
                final ApiError ambiguous = new ApiError(Errors.INVALID_REQUEST,
                        "The provided topic name maps to an ID that was already supplied.");
                results.add(done(name, Uuid.ZERO_UUID, ambiguous));
                results.add(done(null, id, ambiguous));
            } else {
                toDelete.put(topic.get().name(), id);
            }
        }
        toDelete.forEach((name, askedId) -> results.add(
                context.authorized(AclOperation.DELETE, ResourceType.TOPIC, name) ? delete(name, askedId)
                        : done(askedId.equals(Uuid.ZERO_UUID) ? name : null, askedId,
                                new ApiError(Errors.TOPIC_AUTHORIZATION_FAILED, null))));
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            final DeleteTopicsResponseData data = new DeleteTopicsResponseData();
            for (final CompletableFuture<DeletableTopicResult> result : results) {
                data.responses().add(result.join());   // all complete (each one handles its own failure)
            }
            return new DeleteTopicsResponse(data);
        });
    }

    private CompletableFuture<DeletableTopicResult> delete(final String name, final Uuid askedId) {
        return services.topics().delete(name).handle((deleted, failure) -> failure == null
                ? result(name, deleted.id(), ApiError.NONE)
                : result(name, askedId, ApiErrors.of(failure, LOG, "Deleting topic '" + name + "'")));
    }

    private static <T> Set<T> duplicates(final List<T> values) {
        final Set<T> seen = new HashSet<>();
        final Set<T> duplicates = new LinkedHashSet<>();
        for (final T value : values) {
            if (!seen.add(value)) {
                duplicates.add(value);
            }
        }
        return duplicates;
    }

    private static CompletableFuture<DeletableTopicResult> done(final String name, final Uuid id, final ApiError error) {
        return CompletableFuture.completedFuture(result(name, id, error));
    }

    private static DeletableTopicResult result(final String name, final Uuid id, final ApiError error) {
        return new DeletableTopicResult()
                .setName(name)
                .setTopicId(id)
                .setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }
}
