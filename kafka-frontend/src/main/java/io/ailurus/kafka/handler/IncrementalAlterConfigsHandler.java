package io.ailurus.kafka.handler;

import io.ailurus.cluster.metadata.TopicConfigs;
import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IncrementalAlterConfigs: applies SET / DELETE / APPEND / SUBTRACT to a topic's current configs, then stores the
 * result (validated as a whole by the topic table). Broker settings and log levels are static and cannot be altered.
 *
 * <p>The read of the current configs and the write of the result are two steps: an alteration of the same topic
 * committed in between is overwritten. Kafka's controller serializes them; here admin changes to one topic are rare
 * enough that this is accepted for now.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(IncrementalAlterConfigsHandler.class);

    private final BrokerServices services;

    public IncrementalAlterConfigsHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context,
            final IncrementalAlterConfigsRequest request) {
        final boolean validateOnly = request.data().validateOnly();
        final List<AlterConfigsResource> resources = new ArrayList<>(request.data().resources());
        return ConfigAlterations.alterEach(context, resources, AlterConfigsResource::resourceType, AlterConfigsResource::resourceName,
                r -> alter(r, validateOnly)).thenApply(errors -> {
            final IncrementalAlterConfigsResponseData data = new IncrementalAlterConfigsResponseData();
            for (int i = 0; i < resources.size(); i++) {
                data.responses().add(new AlterConfigsResourceResponse()
                        .setResourceType(resources.get(i).resourceType())
                        .setResourceName(resources.get(i).resourceName())
                        .setErrorCode(errors.get(i).error().code())
                        .setErrorMessage(errors.get(i).message()));
            }
            return new IncrementalAlterConfigsResponse(data);
        });
    }

    private CompletableFuture<ApiError> alter(final AlterConfigsResource resource, final boolean validateOnly) {
        final String name = resource.resourceName();
        try {
            checkOperations(resource.configs());   // before anything else, as Kafka's broker does
        } catch (ApiException e) {
            return done(ApiError.fromThrowable(e));
        }
        switch (ConfigResource.Type.forId(resource.resourceType())) {
            case TOPIC -> {
                final Optional<TopicMetadata> topic = services.topics().topic(name);
                if (topic.isEmpty()) {
                    return done(new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist."));
                }
                // Applied to the configs current at commit time, so concurrent alterations do not lose each other.
                return services.topics().updateConfigs(name, current -> apply(current, resource.configs()), validateOnly)
                        .handle((changed, failure) -> failure == null ? ApiError.NONE
                                : ApiErrors.of(failure, LOG, "Altering the configs of topic '" + name + "'"));
            }
            case BROKER -> {
                return done(new ApiError(Errors.INVALID_REQUEST, ConfigEntries.STATIC_BROKER_CONFIGS));
            }
            case BROKER_LOGGER -> {
                return done(new ApiError(Errors.INVALID_REQUEST,
                        "broker log levels are set in the node's logging configuration, not at runtime"));
            }
            default -> {
                return done(new ApiError(Errors.INVALID_REQUEST, "Unknown resource type " + resource.resourceType()));
            }
        }
    }

    /**
     * A topic's configs after the operations, in Kafka's terms: SET replaces a value, DELETE returns the config to its
     * default, APPEND and SUBTRACT add or remove comma-separated items of a list config (starting from its default
     * when the topic has not set it). Each config may be named once. The result is not validated here.
     *
     * @throws InvalidRequestException       a config named twice, a missing value, an unknown operation
     * @throws InvalidConfigurationException APPEND or SUBTRACT on a config that is not a list
     */
    static Map<String, String> apply(final Map<String, String> current, final Iterable<AlterableConfig> operations) {
        checkOperations(operations);
        final Map<String, String> result = new LinkedHashMap<>(current);
        for (final AlterableConfig op : operations) {
            final AlterConfigOp.OpType type = opType(op.configOperation());
            final String key = op.name();
            switch (type) {
                case SET -> result.put(key, op.value());
                case DELETE -> result.remove(key);
                case APPEND, SUBTRACT -> {
                    if (!ConfigEntries.isList(key)) {
                        throw new InvalidConfigurationException("Can't " + type + " to key " + key
                                + " because its type is not LIST.");
                    }
                    final List<String> items = items(result.containsKey(key)
                            ? result.get(key) : TopicConfigs.defaultValues().get(key));
                    for (final String item : op.value().split(",")) {
                        if (type == AlterConfigOp.OpType.SUBTRACT) {
                            items.remove(item);
                        } else if (!items.contains(item)) {
                            items.add(item);
                        }
                    }
                    result.put(key, String.join(",", items));
                }
                default -> throw new IllegalStateException(type.toString());
            }
        }
        return result;
    }

    /** Each config named once, with a value unless deleted, by a known operation. */
    private static void checkOperations(final Iterable<AlterableConfig> operations) {
        final Set<String> names = new HashSet<>();
        final List<String> nullValues = new ArrayList<>();
        for (final AlterableConfig op : operations) {
            if (!names.add(op.name())) {
                throw new InvalidRequestException("Error due to duplicate config keys");
            }
            if (op.configOperation() != AlterConfigOp.OpType.DELETE.id() && op.value() == null) {
                nullValues.add(op.name());
            }
        }
        if (!nullValues.isEmpty()) {
            throw new InvalidRequestException("Null value not supported for : " + String.join(", ", nullValues));
        }
        for (final AlterableConfig op : operations) {
            opType(op.configOperation());
        }
    }

    private static AlterConfigOp.OpType opType(final byte id) {
        for (final AlterConfigOp.OpType type : AlterConfigOp.OpType.values()) {
            if (type.id() == id) {
                return type;
            }
        }
        throw new InvalidRequestException("Unknown config operation " + id);
    }

    private static List<String> items(final String value) {
        final List<String> items = new ArrayList<>();
        if (value != null) {
            for (final String item : value.split(",")) {
                if (!item.isEmpty()) {
                    items.add(item);
                }
            }
        }
        return items;
    }

    private static CompletableFuture<ApiError> done(final ApiError error) {
        return CompletableFuture.completedFuture(error);
    }

    /** A resource as the request names it (Kafka compares the raw type id, known or not). */
}
