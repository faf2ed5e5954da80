package io.ailurus.kafka.handler;

import io.ailurus.cluster.metadata.TopicConfigs;
import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreateTopics: checks each topic as Kafka's controller does (name, existence, configs, partition count and
 * replication factor or a manual assignment), then creates it in the topic table. Topics are independent: one
 * failing does not stop the others.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(CreateTopicsHandler.class);

    private final BrokerServices services;

    public CreateTopicsHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_TOPICS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.CREATE_TOPICS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.CREATE_TOPICS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final CreateTopicsRequest request) {
        final boolean validateOnly = request.data().validateOnly();
        final boolean withConfigs = context.apiVersion() >= 5;
        // A name given twice is ambiguous: Kafka rejects it (once) rather than picking one of the definitions.
        final Map<String, Integer> occurrences = new HashMap<>();
        for (final CreatableTopic topic : request.data().topics()) {
            occurrences.merge(topic.name(), 1, Integer::sum);
        }
        final Set<String> answered = new HashSet<>();
        final List<CompletableFuture<CreatableTopicResult>> results = new ArrayList<>();
        for (final CreatableTopic topic : request.data().topics()) {
            if (!answered.add(topic.name())) {
                continue;
            }
            if (occurrences.get(topic.name()) > 1) {
                results.add(CompletableFuture.completedFuture(
                        failed(topic.name(), new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name."))));
            } else if (!context.authorizedOnCluster(AclOperation.CREATE)
                    && !context.authorized(AclOperation.CREATE, ResourceType.TOPIC, topic.name())) {
                results.add(CompletableFuture.completedFuture(failed(topic.name(),
                        new ApiError(Errors.TOPIC_AUTHORIZATION_FAILED, null))));
            } else {
                results.add(create(topic, validateOnly, withConfigs));
            }
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            final CreateTopicsResponseData data = new CreateTopicsResponseData();
            for (final CompletableFuture<CreatableTopicResult> result : results) {
                data.topics().add(result.join());   // all complete (each one handles its own failure)
            }
            return new CreateTopicsResponse(data);
        });
    }

    private CompletableFuture<CreatableTopicResult> create(final CreatableTopic topic, final boolean validateOnly,
            final boolean withConfigs) {
        final String name = topic.name();
        final ApiError rejected = check(topic);
        if (rejected != null) {
            return CompletableFuture.completedFuture(failed(name, rejected));
        }
        final int partitions;
        final short replicationFactor;
        if (!topic.assignments().isEmpty()) {
            partitions = topic.assignments().size();
            replicationFactor = 1;   // check() accepted only assignments to this node alone
        } else {
            partitions = topic.numPartitions() == -1 ? services.config().defaultPartitions() : topic.numPartitions();
            replicationFactor = topic.replicationFactor() == -1
                    ? services.config().defaultReplicationFactor() : topic.replicationFactor();
        }
        final Map<String, String> configs = new LinkedHashMap<>();
        for (final CreatableTopicConfig config : topic.configs()) {
            configs.put(config.name(), config.value());
        }
        final io.ailurus.partition.log.RemoteStorageConfig remote;
        try {
            remote = TopicConfigs.toLogConfig(TopicConfigs.validate(configs)).remote();
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(failed(name, new ApiError(Errors.forException(e), e.getMessage())));
        }
        if (remote.usesBucket() && !services.tiering().enabled()) {
            return CompletableFuture.completedFuture(failed(name, new ApiError(Errors.INVALID_CONFIG,
                    "Topic '" + name + "' needs tiered storage, which is off on this cluster (ailurus.tiered-storage.enabled)")));
        }
        if ((remote.recovery() || remote.readReplica()) && topic.numPartitions() == -1 && topic.assignments().isEmpty()) {
            // A restore or a read replica takes the partition count from the bucket (as Redpanda takes it from the
            // topic manifest).
            return services.tiering().partitionsInBucket(name, remote.readReplicaBucket()).thenCompose(inBucket -> inBucket > 0
                    ? create(name, inBucket, replicationFactor, configs, validateOnly, withConfigs)
                    : CompletableFuture.completedFuture(failed(name, new ApiError(Errors.INVALID_CONFIG,
                            "The bucket holds no partition of topic '" + name + "' to restore"))))
                    .exceptionally(failure -> failed(name, ApiErrors.of(failure, LOG, "Restoring topic '" + name + "'")));
        }
        return create(name, partitions, replicationFactor, configs, validateOnly, withConfigs);
    }

    private CompletableFuture<CreatableTopicResult> create(final String name, final int partitions,
            final short replicationFactor, final Map<String, String> configs, final boolean validateOnly,
            final boolean withConfigs) {
        return services.topics().create(name, partitions, replicationFactor, configs, validateOnly)
                .thenCompose(created -> validateOnly ? CompletableFuture.completedFuture(created)
                        : leadersElected(created).thenApply(elected -> created))
                .handle((created, failure) -> failure == null
                        ? created(created, withConfigs)
                        : failed(name, ApiErrors.of(failure, LOG, "Creating topic '" + name + "'")));
    }

    /** How long an answer waits for the new partitions' first leaders at most; it is a success either way. */
    static final long LEADER_WAIT_MS = 10_000;
    private static final long LEADER_CHECK_MS = 20;

    /**
     * Completes once every partition of the new topic has a leader (or after {@link #LEADER_WAIT_MS}): Kafka answers
     * CreateTopics with leaders assigned, and clients use a topic (Metadata, describeTopics) as soon as it is created.
     */
    private CompletableFuture<Void> leadersElected(final TopicMetadata topic) {
        final CompletableFuture<Void> elected = new CompletableFuture<>();
        final long deadline = System.currentTimeMillis() + LEADER_WAIT_MS;
        final Runnable[] check = new Runnable[1];
        check[0] = () -> {
            boolean all = true;
            for (int p = 0; p < topic.partitions() && all; p++) {
                all = services.cluster().partition(new TopicPartition(topic.name(), p)).leaderId() >= 0;
            }
            if (all || System.currentTimeMillis() >= deadline) {
                elected.complete(null);
            } else {
                services.timer().schedule(check[0], LEADER_CHECK_MS, TimeUnit.MILLISECONDS);
            }
        };
        check[0].run();
        return elected;
    }

    /** Kafka's checks before the topic table is asked, in Kafka's order; null when the topic may be created. */
    private ApiError check(final CreatableTopic topic) {
        final String name = topic.name();
        if (Topic.CLUSTER_METADATA_TOPIC_NAME.equals(name)) {
            return new ApiError(Errors.INVALID_REQUEST, "Creation of internal topic " + name + " is prohibited.");
        }
        try {
            Topic.validate(name);
        } catch (InvalidTopicException e) {
            return new ApiError(Errors.INVALID_TOPIC_EXCEPTION, e.getMessage());
        }
        if (services.topics().topic(name).isPresent()) {
            return new ApiError(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        final List<String> nullConfigs = new ArrayList<>();
        for (final CreatableTopicConfig config : topic.configs()) {
            if (config.value() == null) {
                nullConfigs.add(config.name());
            }
        }
        if (!nullConfigs.isEmpty()) {
            return new ApiError(Errors.INVALID_CONFIG,
                    "Null value not supported for topic configs: " + String.join(",", nullConfigs));
        }
        if (!topic.assignments().isEmpty()) {
            return checkAssignments(topic);
        }
        if (topic.replicationFactor() < -1 || topic.replicationFactor() == 0) {
            return new ApiError(Errors.INVALID_REPLICATION_FACTOR,
                    "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        if (topic.numPartitions() < -1 || topic.numPartitions() == 0) {
            return new ApiError(Errors.INVALID_PARTITIONS, "Number of partitions was set to an invalid non-positive value.");
        }
        return null;
    }

    private ApiError checkAssignments(final CreatableTopic topic) {
        if (topic.replicationFactor() != -1) {
            return new ApiError(Errors.INVALID_REQUEST,
                    "A manual partition assignment was specified, but replication factor was not set to -1.");
        }
        if (topic.numPartitions() != -1) {
            return new ApiError(Errors.INVALID_REQUEST,
                    "A manual partition assignment was specified, but numPartitions was not set to -1.");
        }
        final TreeSet<Integer> indexes = new TreeSet<>();
        for (final CreatableReplicaAssignment assignment : topic.assignments()) {
            if (!indexes.add(assignment.partitionIndex())) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                        "Found multiple manual partition assignments for partition " + assignment.partitionIndex());
            }
            final String invalid = TopicPartitions.invalidAssignment(assignment.brokerIds(), services.nodeId());
            if (invalid != null) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, invalid);
            }
        }
        if (indexes.first() != 0 || indexes.last() != indexes.size() - 1) {
            return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                    "partitions should be a consecutive 0-based integer sequence");
        }
        return null;
    }

    private static CreatableTopicResult created(final TopicMetadata topic, final boolean withConfigs) {
        final CreatableTopicResult result = new CreatableTopicResult()
                .setName(topic.name())
                .setTopicId(topic.id())
                .setErrorCode(Errors.NONE.code())
                .setErrorMessage(null)
                .setNumPartitions(topic.partitions())
                .setReplicationFactor(topic.replicationFactor())
                .setTopicConfigErrorCode(Errors.NONE.code());
        if (withConfigs) {
            for (final ConfigEntries.Entry entry : ConfigEntries.topic(topic.configs())) {
                result.configs().add(ConfigEntries.toCreated(entry));
            }
        }
        return result;
    }

    private static CreatableTopicResult failed(final String name, final ApiError error) {
        return new CreatableTopicResult()
                .setName(name)
                .setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }
}
