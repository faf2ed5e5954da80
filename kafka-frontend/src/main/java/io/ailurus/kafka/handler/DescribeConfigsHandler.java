package io.ailurus.kafka.handler;

import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

/**
 * DescribeConfigs for topics (their effective configs), this broker (its static settings) and this broker's loggers
 * (none are exposed). Lookups are local, so the answer is immediate.
 *
 * <p>As in Kafka, a BROKER resource with an empty name means the cluster-wide dynamic defaults, of which ailurus has
 * none (settings are static), so it is described as an empty list; the broker's own settings are under its id.
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequest> {

    private final BrokerServices services;

    public DescribeConfigsHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CONFIGS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.DESCRIBE_CONFIGS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.DESCRIBE_CONFIGS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final DescribeConfigsRequest request) {
        final boolean includeSynonyms = request.data().includeSynonyms();
        final DescribeConfigsResponseData data = new DescribeConfigsResponseData();
        for (final DescribeConfigsResource resource : request.data().resources()) {
            final ApiError denied = ConfigAlterations.denied(context, AclOperation.DESCRIBE_CONFIGS,
                    resource.resourceType(), resource.resourceName());
            data.results().add((denied != null ? new DescribeConfigsResult().setErrorCode(denied.error().code())
                    .setErrorMessage(denied.error().message()) : describe(resource, includeSynonyms))
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName()));
        }
        return CompletableFuture.completedFuture(new DescribeConfigsResponse(data));
    }

    private DescribeConfigsResult describe(final DescribeConfigsResource resource, final boolean includeSynonyms) {
        final String name = resource.resourceName();
        return switch (ConfigResource.Type.forId(resource.resourceType())) {
            case TOPIC -> describeTopic(name, resource.configurationKeys(), includeSynonyms);
            case BROKER -> {
                if (name == null || name.isEmpty()) {
                    yield described(List.of(), null, includeSynonyms);
                }
                final String notThisBroker = ConfigEntries.notThisBroker(name, services.nodeId());
                yield notThisBroker != null
                        ? failed(new ApiError(Errors.INVALID_REQUEST, notThisBroker))
                        : described(ConfigEntries.broker(services.config()), resource.configurationKeys(), includeSynonyms);
            }
            case BROKER_LOGGER -> {
                // Log levels come from the logging configuration; none are exposed (or alterable) through Kafka's API.
                if (name == null || name.isEmpty()) {
                    yield failed(new ApiError(Errors.INVALID_REQUEST, "Broker id must not be empty"));
                }
                final String notThisBroker = ConfigEntries.notThisBroker(name, services.nodeId());
                yield notThisBroker != null
                        ? failed(new ApiError(Errors.INVALID_REQUEST, notThisBroker))
                        : described(List.of(), null, includeSynonyms);
            }
            default -> failed(new ApiError(Errors.INVALID_REQUEST,
                    "Unsupported resource type: " + ConfigResource.Type.forId(resource.resourceType())
                            + " (" + resource.resourceType() + ")"));
        };
    }

    private DescribeConfigsResult describeTopic(final String name, final List<String> keys, final boolean includeSynonyms) {
        try {
            Topic.validate(name);
        } catch (InvalidTopicException e) {
            return failed(new ApiError(Errors.INVALID_TOPIC_EXCEPTION, e.getMessage()));
        }
        final Optional<TopicMetadata> topic = services.topics().topic(name);
        if (topic.isEmpty()) {
            return failed(new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, null));
        }
        return described(ConfigEntries.topic(topic.get().configs()), keys, includeSynonyms);
    }

    /** The entries, limited to {@code keys} when the client named some (unknown names are left out, as in Kafka). */
    private static DescribeConfigsResult described(final List<ConfigEntries.Entry> entries, final List<String> keys,
            final boolean includeSynonyms) {
        final Set<String> wanted = keys == null || keys.isEmpty() ? null : new HashSet<>(keys);
        final DescribeConfigsResult result = new DescribeConfigsResult().setErrorCode(Errors.NONE.code());
        for (final ConfigEntries.Entry entry : entries) {
            if (wanted == null || wanted.contains(entry.name())) {
                result.configs().add(ConfigEntries.toDescribed(entry, includeSynonyms));
            }
        }
        return result;
    }

    private static DescribeConfigsResult failed(final ApiError error) {
        return new DescribeConfigsResult()
                .setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }
}
