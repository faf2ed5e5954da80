package io.ailurus.kafka.handler;

import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreatePartitions: raises a topic's partition count. A manual assignment, when given, must name one replica list per
 * new partition, each of them this node alone. The count checks (larger than now, within bounds) are the topic
 * table's.
 */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(CreatePartitionsHandler.class);

    private final BrokerServices services;

    public CreatePartitionsHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_PARTITIONS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.CREATE_PARTITIONS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.CREATE_PARTITIONS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final CreatePartitionsRequest request) {
        final boolean validateOnly = request.data().validateOnly();
        final Map<String, Integer> occurrences = new HashMap<>();
        for (final CreatePartitionsTopic topic : request.data().topics()) {
            occurrences.merge(topic.name(), 1, Integer::sum);
        }
        final Set<String> answered = new HashSet<>();
        final List<CompletableFuture<CreatePartitionsTopicResult>> results = new ArrayList<>();
        for (final CreatePartitionsTopic topic : request.data().topics()) {
            if (!answered.add(topic.name())) {
                continue;
            }
            if (occurrences.get(topic.name()) > 1) {
                results.add(CompletableFuture.completedFuture(
                        result(topic.name(), new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name."))));
            } else if (!context.authorized(AclOperation.ALTER, ResourceType.TOPIC, topic.name())) {
                results.add(CompletableFuture.completedFuture(
                        result(topic.name(), new ApiError(Errors.TOPIC_AUTHORIZATION_FAILED, null))));
            } else {
                results.add(createPartitions(topic, validateOnly));
            }
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            final CreatePartitionsResponseData data = new CreatePartitionsResponseData();
            for (final CompletableFuture<CreatePartitionsTopicResult> result : results) {
                data.results().add(result.join());   // all complete (each one handles its own failure)
            }
            return new CreatePartitionsResponse(data);
        });
    }

    private CompletableFuture<CreatePartitionsTopicResult> createPartitions(final CreatePartitionsTopic topic,
            final boolean validateOnly) {
        final String name = topic.name();
        final Optional<TopicMetadata> current = services.topics().topic(name);
        if (current.isEmpty()) {
            return CompletableFuture.completedFuture(result(name,
                    new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.")));
        }
        // Kafka reports a count that is no increase before looking at the assignment: leave that to the topic table.
        final int additional = topic.count() - current.get().partitions();
        if (topic.assignments() != null && additional > 0) {
            final ApiError invalid = checkAssignments(topic.assignments(), additional);
            if (invalid != null) {
                return CompletableFuture.completedFuture(result(name, invalid));
            }
        }
        return services.topics().createPartitions(name, topic.count(), validateOnly)
                .handle((grown, failure) -> result(name, failure == null ? ApiError.NONE
                        : ApiErrors.of(failure, LOG, "Creating partitions of topic '" + name + "'")));
    }

    private ApiError checkAssignments(final List<CreatePartitionsAssignment> assignments, final int additional) {
        if (assignments.size() != additional) {
            return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "Attempted to add " + additional
                    + " additional partition(s), but only " + assignments.size() + " assignment(s) were specified.");
        }
        for (final CreatePartitionsAssignment assignment : assignments) {
            final String invalid = TopicPartitions.invalidAssignment(assignment.brokerIds(), services.nodeId());
            if (invalid != null) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, invalid);
            }
        }
        return null;
    }

    private static CreatePartitionsTopicResult result(final String name, final ApiError error) {
        return new CreatePartitionsTopicResult()
                .setName(name)
                .setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }
}
