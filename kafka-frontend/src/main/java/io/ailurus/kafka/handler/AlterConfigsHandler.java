package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The legacy AlterConfigs: replaces a topic's configs with exactly those given (the ones left out return to their
 * defaults). Broker settings are static and cannot be altered. Checks that need no topic (repeated resources or keys,
 * null values) come first, as in Kafka's broker.
 */
public final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AlterConfigsHandler.class);

    private final BrokerServices services;

    public AlterConfigsHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CONFIGS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.ALTER_CONFIGS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.ALTER_CONFIGS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final AlterConfigsRequest request) {
        final boolean validateOnly = request.data().validateOnly();
        final List<AlterConfigsResource> resources = new ArrayList<>(request.data().resources());
        return ConfigAlterations.alterEach(context, resources, AlterConfigsResource::resourceType, AlterConfigsResource::resourceName,
                r -> alter(r, validateOnly)).thenApply(errors -> {
            final AlterConfigsResponseData data = new AlterConfigsResponseData();
            for (int i = 0; i < resources.size(); i++) {
                data.responses().add(new AlterConfigsResourceResponse()
                        .setResourceType(resources.get(i).resourceType())
                        .setResourceName(resources.get(i).resourceName())
                        .setErrorCode(errors.get(i).error().code())
                        .setErrorMessage(errors.get(i).message()));
            }
            return new AlterConfigsResponse(data);
        });
    }

    private CompletableFuture<ApiError> alter(final AlterConfigsResource resource, final boolean validateOnly) {
        final Set<String> names = new HashSet<>();
        final List<String> nullValues = new ArrayList<>();
        final Map<String, String> configs = new LinkedHashMap<>();
        for (final AlterableConfig config : resource.configs()) {
            if (!names.add(config.name())) {
                return done(new ApiError(Errors.INVALID_REQUEST, "Error due to duplicate config keys"));
            }
            if (config.value() == null) {
                nullValues.add(config.name());
            }
            configs.put(config.name(), config.value());
        }
        if (!nullValues.isEmpty()) {
            return done(new ApiError(Errors.INVALID_REQUEST, "Null value not supported for : " + String.join(", ", nullValues)));
        }
        final String name = resource.resourceName();
        return switch (ConfigResource.Type.forId(resource.resourceType())) {
            case TOPIC -> services.topics().replaceConfigs(name, configs, validateOnly)
                    .handle((changed, failure) -> failure == null ? ApiError.NONE
                            : ApiErrors.of(failure, LOG, "Altering the configs of topic '" + name + "'"));
            case BROKER -> done(new ApiError(Errors.INVALID_REQUEST, ConfigEntries.STATIC_BROKER_CONFIGS));
            default -> done(new ApiError(Errors.INVALID_REQUEST, "Unknown resource type " + resource.resourceType()));
        };
    }

    /** A resource as the request names it (Kafka compares the raw type id, known or not). */

    private static CompletableFuture<ApiError> done(final ApiError error) {
        return CompletableFuture.completedFuture(error);
    }
}
