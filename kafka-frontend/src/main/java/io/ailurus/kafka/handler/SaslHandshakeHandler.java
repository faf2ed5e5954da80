package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.network.ClientConnection;
import io.ailurus.kafka.security.SaslExchange;
import io.ailurus.kafka.security.SaslMechanisms;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;

/**
 * SaslHandshake: the client picks a mechanism; SaslAuthenticate requests carry the exchange. v0 is advertised because
 * librdkafka reads it as "this broker does SASL", but the exchange must come in SaslAuthenticate requests (what every
 * maintained client does when the broker offers them): raw tokens outside Kafka framing close the connection. On an
 * authenticated connection a handshake starts a re-authentication (KIP-368) when sessions expire.
 */
public final class SaslHandshakeHandler implements ApiHandler<SaslHandshakeRequest> {

    private final SaslMechanisms mechanisms;

    public SaslHandshakeHandler(final SaslMechanisms mechanisms) {
        this.mechanisms = mechanisms;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SASL_HANDSHAKE;
    }

    @Override
    public short oldestVersion() {
        return 0;
    }

    @Override
    public short latestVersion() {
        return ApiKeys.SASL_HANDSHAKE.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final SaslHandshakeRequest request) {
        final ClientConnection connection = context.connection();
        final String mechanism = request.data().mechanism();
        final SaslHandshakeResponseData data = new SaslHandshakeResponseData().setMechanisms(mechanisms.enabled());
        if (!connection.needsSasl() || connection.authentication() != null
                || (connection.authenticated() && mechanisms.sessionLifetimeMs() <= 0)) {
            connection.closeAfterResponses("SaslHandshake out of place (listener " + connection.listenerName() + ")");
            return answer(data.setErrorCode(Errors.ILLEGAL_SASL_STATE.code()));
        }
        if (!mechanisms.enabled().contains(mechanism)) {
            connection.closeAfterResponses("asked for SASL mechanism " + mechanism + ", enabled are "
                    + mechanisms.enabled());
            return answer(data.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code()));
        }
        connection.authentication(new SaslExchange(mechanism, mechanisms.newServer(mechanism),
                connection.authenticated()));
        return answer(data.setErrorCode(Errors.NONE.code()));
    }

    private static CompletableFuture<AbstractResponse> answer(final SaslHandshakeResponseData data) {
        return CompletableFuture.completedFuture(new SaslHandshakeResponse(data));
    }
}
