package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.network.ClientConnection;
import io.ailurus.kafka.security.SaslExchange;
import io.ailurus.kafka.security.SaslMechanisms;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.security.sasl.SaslException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SaslAuthenticate: one step of the exchange SaslHandshake began. Success makes the connection's principal
 * {@code User:<authorization id>} and tells the client how long the session lasts; a failure is answered with
 * SASL_AUTHENTICATION_FAILED after a delay that grows with the address' recent failures, then the connection closes.
 */
public final class SaslAuthenticateHandler implements ApiHandler<SaslAuthenticateRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(SaslAuthenticateHandler.class);

    private final SaslMechanisms mechanisms;

    public SaslAuthenticateHandler(final SaslMechanisms mechanisms) {
        this.mechanisms = mechanisms;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SASL_AUTHENTICATE;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.SASL_AUTHENTICATE.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.SASL_AUTHENTICATE.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context,
            final SaslAuthenticateRequest request) {
        final ClientConnection connection = context.connection();
        final SaslExchange exchange = connection.authentication();
        if (exchange == null) {
            connection.closeAfterResponses("SaslAuthenticate without SaslHandshake");
            return answer(new SaslAuthenticateResponseData().setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                    .setErrorMessage("SaslAuthenticate needs a SaslHandshake first"));
        }
        final byte[] challenge;
        try {
            challenge = exchange.server().evaluateResponse(request.data().authBytes());
        } catch (SaslAuthenticationException | SaslException e) {
            return failed(connection, exchange, e.getMessage());
        }
        final SaslAuthenticateResponseData data = new SaslAuthenticateResponseData()
                .setErrorCode(Errors.NONE.code()).setAuthBytes(challenge);
        if (!exchange.server().isComplete()) {
            return answer(data);
        }
        final KafkaPrincipal principal = new KafkaPrincipal(KafkaPrincipal.USER_TYPE,
                exchange.server().getAuthorizationID());
        if (exchange.reauthentication() && !principal.equals(connection.principal())) {
            return failed(connection, exchange, "re-authenticated as " + principal + ", not "
                    + connection.principal());
        }
        connection.authentication(null);
        connection.authenticatedAs(principal);
        final long lifetime = mechanisms.sessionLifetimeMs();
        if (lifetime > 0) {
            connection.sessionExpiresAtMs(System.currentTimeMillis() + lifetime);
            data.setSessionLifetimeMs(lifetime);
        }
        return answer(data);
    }

    private CompletableFuture<AbstractResponse> failed(final ClientConnection connection, final SaslExchange exchange,
            final String reason) {
        connection.authentication(null);
        final String line = "authentication with " + exchange.mechanism() + " failed: " + reason;
        connection.closeAfterResponses(line);
        final long delayMs = mechanisms.throttle().failed(connection.remoteHost(), System.currentTimeMillis());
        LOG.debug("{} from {}: answering in {} ms", line, connection.remoteAddress(), delayMs);
        final SaslAuthenticateResponseData data = new SaslAuthenticateResponseData()
                .setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code())
                .setErrorMessage("Authentication failed during authentication due to invalid credentials with SASL "
                        + "mechanism " + exchange.mechanism());
        return CompletableFuture.supplyAsync(() -> new SaslAuthenticateResponse(data),
                CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS));
    }

    private static CompletableFuture<AbstractResponse> answer(final SaslAuthenticateResponseData data) {
        return CompletableFuture.completedFuture(new SaslAuthenticateResponse(data));
    }
}
