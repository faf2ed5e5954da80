package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/** ApiVersions: exactly the APIs and versions this broker implements, from the dispatcher's table. */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {

    private final Supplier<ApiVersionsResponseData.ApiVersionCollection> implemented;

    public ApiVersionsHandler(final Supplier<ApiVersionsResponseData.ApiVersionCollection> implemented) {
        this.implemented = implemented;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.API_VERSIONS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.API_VERSIONS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final ApiVersionsRequest request) {
        final ApiVersionsResponseData data = new ApiVersionsResponseData().setApiKeys(implemented.get());
        if (request.version() >= 3 && !request.isValid()) {
            data.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        return CompletableFuture.completedFuture(new ApiVersionsResponse(data));
    }
}
