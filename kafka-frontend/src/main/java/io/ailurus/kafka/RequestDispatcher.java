package io.ailurus.kafka;

import io.ailurus.kafka.network.ClientConnection;
import io.ailurus.kafka.network.FrameHandler;
import io.ailurus.kafka.network.MalformedRequestException;
import io.ailurus.kafka.security.Authorizer;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each frame with kafka-clients' own classes and routes it to the handler of its API.
 *
 * <ul>
 *   <li>A frame whose header or body cannot be decoded, an unknown API key, or a version kafka-clients itself does
 *       not know closes the connection (as Apache Kafka does), with one log line.</li>
 *   <li>ApiVersions at a version we do not speak is answered at v0 with UNSUPPORTED_VERSION and our version table, so
 *       the client can downgrade (KIP-511).</li>
 *   <li>On a SASL listener, a request other than ApiVersions and the SASL exchange from a client that has not
 *       authenticated is answered with ILLEGAL_SASL_STATE and the connection closed; one whose session expired
 *       without re-authenticating (KIP-368) closes the connection.</li>
 *   <li>An API kafka-clients knows but we do not implement (or not at that version) is answered with that API's error
 *       response carrying UNSUPPORTED_VERSION: the client fails fast instead of hanging.</li>
 * </ul>
 */
public final class RequestDispatcher implements FrameHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    private final ApiHandler<?>[] handlers;
    private final Authorizer authorizer;
    private final ApiVersionsResponseData.ApiVersionCollection advertised;

    public RequestDispatcher(final Collection<ApiHandler<?>> all, final Authorizer authorizer) {
        this.authorizer = authorizer;
        int maxId = 0;
        for (final ApiKeys key : ApiKeys.values()) {
            maxId = Math.max(maxId, key.id);
        }
        handlers = new ApiHandler<?>[maxId + 1];
        advertised = new ApiVersionsResponseData.ApiVersionCollection();
        for (final ApiHandler<?> h : all) {
            handlers[h.apiKey().id] = h;
            advertised.add(new ApiVersionsResponseData.ApiVersion().setApiKey(h.apiKey().id)
                    .setMinVersion(h.oldestVersion()).setMaxVersion(h.latestVersion()));
        }
    }

    /** The versions this broker implements, exactly: what ApiVersions advertises. */
    public ApiVersionsResponseData.ApiVersionCollection advertisedVersions() {
        final ApiVersionsResponseData.ApiVersionCollection copy = new ApiVersionsResponseData.ApiVersionCollection();
        for (final ApiVersionsResponseData.ApiVersion v : advertised) {
            copy.add(v.duplicate());
        }
        return copy;
    }

    public List<ApiKeys> implementedApis() {
        return advertised.stream().map(v -> ApiKeys.forId(v.apiKey())).toList();
    }

    @Override
    public CompletableFuture<Send> handle(final ByteBuffer frame, final ClientConnection connection,
            final Executor completions) {
        final RequestHeader header;
        try {
            header = RequestHeader.parse(frame);
        } catch (RuntimeException e) {
            throw new MalformedRequestException("undecodable request header (" + e.getMessage() + ")");
        }
        final ApiKeys api = header.apiKey();
        final short version = header.apiVersion();
        final ApiHandler<?> handler = handlers[api.id];
        if (api == ApiKeys.API_VERSIONS && (handler == null || version > handler.latestVersion())) {
            return CompletableFuture.completedFuture(unsupportedApiVersions(header));
        }
        if (!api.isVersionSupported(version)) {
            throw new MalformedRequestException(api + " version " + version + " is not a version of the Kafka protocol this broker knows");
        }
        final AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(frame)).request;
        } catch (RuntimeException e) {
            throw new MalformedRequestException("undecodable " + api + " v" + version + " request (" + e.getMessage() + ")");
        }
        final RequestContext context = new RequestContext(header, connection, authorizer);
        if (!servesBeforeAuthentication(api)) {
            if (!connection.authenticated()) {
                // Never reaches a handler: answered with the SASL error, then the connection is closed.
                connection.closeAfterResponses("sent " + api + " before authenticating");
                return CompletableFuture.completedFuture(errorSend(context, request,
                        new IllegalSaslStateException(api + " before SASL authentication")));
            }
            if (System.currentTimeMillis() > connection.sessionExpiresAtMs()) {
                throw new MalformedRequestException("its SASL session expired without re-authentication");
            }
        }
        if (handler == null || version < handler.oldestVersion() || version > handler.latestVersion()) {
            LOG.info("Client {} ({}) sent {} v{}, which this broker does not implement", header.clientId(),
                    connection.remoteAddress(),
                    api, version);
            return CompletableFuture.completedFuture(errorSend(context, request, new UnsupportedVersionException(
                    api + " v" + version + " is not implemented by this broker")));
        }
        CompletableFuture<AbstractResponse> response;
        try {
            response = invoke(handler, context, request);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        final BiFunction<AbstractResponse, Throwable, Send> encode = (r, failure) -> {
            if (failure != null) {
                return errorSend(context, request, Futures.cause(failure));
            }
            return r == null ? null : r.toSend(header.toResponseHeader(), version);
        };
        // Answered already: encode here. Completed later (a produce by its partition's thread): encode on the network
        // thread, so that the partition goes on to its next append.
        return response.isDone() ? response.handle(encode) : response.handleAsync(encode, completions);
    }

    private static boolean servesBeforeAuthentication(final ApiKeys api) {
        return api == ApiKeys.API_VERSIONS || api == ApiKeys.SASL_HANDSHAKE || api == ApiKeys.SASL_AUTHENTICATE;
    }

    @SuppressWarnings("unchecked")
    private static <Q extends AbstractRequest> CompletableFuture<AbstractResponse> invoke(final ApiHandler<Q> handler,
            final RequestContext context, final AbstractRequest request) {
        return handler.handle(context, (Q) request);
    }

    private static Send errorSend(final RequestContext context, final AbstractRequest request, final Throwable failure) {
        if (!(failure instanceof ApiException)) {
            LOG.error("{} from {} failed unexpectedly", context.header().apiKey(), context.clientAddress(), failure);
        }
        final AbstractResponse response = request.getErrorResponse(0, failure);
        return response == null ? null : response.toSend(context.header().toResponseHeader(), context.apiVersion());
    }

    private Send unsupportedApiVersions(final RequestHeader header) {
        final ApiVersionsResponseData data = new ApiVersionsResponseData()
                .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(advertisedVersions());
        // The answer is v0, which every client can read; its header is always v0 for ApiVersions.
        return new ApiVersionsResponse(data).toSend(header.toResponseHeader(), (short) 0);
    }
}
