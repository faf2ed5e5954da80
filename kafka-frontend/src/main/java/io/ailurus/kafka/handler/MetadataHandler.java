package io.ailurus.kafka.handler;

import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.ClusterView;
import io.ailurus.kafka.Futures;
import io.ailurus.kafka.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * Metadata: this node as the only broker and controller, and every requested topic with its partitions led by this
 * node. A partition whose replica is not running yet answers LEADER_NOT_AVAILABLE, which clients retry. Unknown topics
 * are created with the default settings when both the request and the node allow it (Kafka's auto-creation).
 */
public final class MetadataHandler implements ApiHandler<MetadataRequest> {

    private final BrokerServices services;

    public MetadataHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.METADATA.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.METADATA.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final MetadataRequest request) {
        final MetadataRequestData data = request.data();
        final short version = request.version();
        final List<CompletableFuture<MetadataResponseData.MetadataResponseTopic>> topics = new ArrayList<>();
        if (data.topics() == null) {
            for (final TopicMetadata t : services.topics().topics()) {
                // A principal lists only the topics it may describe (Kafka's rule).
                if (context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, t.name())) {
                    topics.add(CompletableFuture.completedFuture(describe(t)));
                }
            }
        } else {
            final boolean autoCreate = services.config().autoCreateTopics() && (version < 4 || data.allowAutoTopicCreation());
            for (final MetadataRequestData.MetadataRequestTopic requested : data.topics()) {
                topics.add(lookup(context, requested, autoCreate));
            }
        }
        return Futures.allSettled(topics).thenApply(ignored -> {
            final MetadataResponseData response = new MetadataResponseData()
                    .setClusterId(services.clusterId())
                    .setControllerId(services.cluster().controllerId());
            for (final ClusterView.Broker broker : services.cluster().brokers(context.connection().listenerName())) {
                response.brokers().add(new MetadataResponseData.MetadataResponseBroker()
                        .setNodeId(broker.nodeId())
                        .setHost(broker.host())
                        .setPort(broker.port())
                        .setRack(broker.rack().isEmpty() ? null : broker.rack()));
            }
            for (final CompletableFuture<MetadataResponseData.MetadataResponseTopic> t : topics) {
                response.topics().add(t.join());
            }
            return new MetadataResponse(response, version);
        });
    }

    private CompletableFuture<MetadataResponseData.MetadataResponseTopic> lookup(final RequestContext context,
            final MetadataRequestData.MetadataRequestTopic requested, final boolean autoCreate) {
        final String name = requested.name();
        // By id whenever an id is given: kafka-clients leaves the name at its default ("") then, not null.
        if (name == null || (name.isEmpty() && !Uuid.ZERO_UUID.equals(requested.topicId()))) {
            final Uuid id = requested.topicId();
            final Optional<TopicMetadata> byId = services.topics().topic(id)
                    .filter(t -> context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, t.name()));
            return CompletableFuture.completedFuture(byId.map(this::describe)
                    .orElseGet(() -> error(null, id, Errors.UNKNOWN_TOPIC_ID)));
        }
        // Unauthorized looks the same whether or not the topic exists, so names do not leak.
        if (!context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, name)) {
            return CompletableFuture.completedFuture(error(name, Uuid.ZERO_UUID, Errors.TOPIC_AUTHORIZATION_FAILED));
        }
        final Optional<TopicMetadata> existing = services.topics().topic(name);
        if (existing.isPresent()) {
            return CompletableFuture.completedFuture(describe(existing.get()));
        }
        if (!isValidName(name)) {
            return CompletableFuture.completedFuture(error(name, Uuid.ZERO_UUID, Errors.INVALID_TOPIC_EXCEPTION));
        }
        if (!autoCreate) {
            return CompletableFuture.completedFuture(error(name, Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        }
        if (!context.authorizedOnCluster(AclOperation.CREATE)
                && !context.authorized(AclOperation.CREATE, ResourceType.TOPIC, name)) {
            return CompletableFuture.completedFuture(error(name, Uuid.ZERO_UUID, Errors.TOPIC_AUTHORIZATION_FAILED));
        }
        return services.topics()
                .create(name, services.config().defaultPartitions(), services.config().defaultReplicationFactor(), Map.of(), false)
                .handle((created, failure) -> {
                    if (failure == null) {
                        return describe(created);
                    }
                    final Throwable cause = Futures.cause(failure);
                    if (cause instanceof TopicExistsException) {   // another client created it meanwhile
                        return services.topics().topic(name).map(this::describe)
                                .orElseGet(() -> error(name, Uuid.ZERO_UUID, Errors.LEADER_NOT_AVAILABLE));
                    }
                    return error(name, Uuid.ZERO_UUID, Errors.forException(cause));
                });
    }

    private static boolean isValidName(final String name) {
        try {
            Topic.validate(name);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private MetadataResponseData.MetadataResponseTopic describe(final TopicMetadata topic) {
        final MetadataResponseData.MetadataResponseTopic t = new MetadataResponseData.MetadataResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(Topic.isInternal(topic.name()));
        for (int p = 0; p < topic.partitions(); p++) {
            final ClusterView.PartitionState state = services.cluster().partition(new TopicPartition(topic.name(), p));
            final boolean led = state.leaderId() >= 0;
            t.partitions().add(new MetadataResponseData.MetadataResponsePartition()
                    .setPartitionIndex(p)
                    .setErrorCode(led ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                    .setLeaderId(state.leaderId())
                    .setLeaderEpoch(state.leaderEpoch())
                    .setReplicaNodes(state.replicas())
                    .setIsrNodes(state.inSync())
                    .setOfflineReplicas(state.replicas().stream().filter(r -> !state.inSync().contains(r)).toList()));
        }
        return t;
    }

    private static MetadataResponseData.MetadataResponseTopic error(final String name, final Uuid id, final Errors error) {
        return new MetadataResponseData.MetadataResponseTopic()
                .setName(name)
                .setTopicId(id)
                .setErrorCode(error.code());
    }
}
