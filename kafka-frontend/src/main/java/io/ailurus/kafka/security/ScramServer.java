package io.ailurus.kafka.security;

import io.ailurus.cluster.security.StoredScramCredential;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ClientFinalMessage;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ClientFirstMessage;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ServerFinalMessage;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ServerFirstMessage;

/**
 * The server side of SCRAM (RFC 5802) over the cluster's stored credentials, with kafka-clients' message codecs and
 * key derivations. Ours rather than kafka-clients' {@code ScramSaslServer} for one reason: librdkafka before 2.2
 * (Debian bookworm's kcat among them) echoes the nonce as client-nonce + the server's combined nonce; Kafka brokers
 * accepted that until 4.x checked for equality. Both forms are accepted here; the client proof, which covers the
 * message as sent, is verified either way, so the tolerance weakens nothing.
 */
final class ScramServer implements SaslServer {

    private enum State { CLIENT_FIRST, CLIENT_FINAL, COMPLETE, FAILED }

    private final ScramMechanism mechanism;
    private final ScramFormatter formatter;
    private final ScramCredentialLookup credentials;
    private State state = State.CLIENT_FIRST;
    private ClientFirstMessage clientFirst;
    private ServerFirstMessage serverFirst;
    private StoredScramCredential credential;
    private String user;

    ScramServer(final ScramMechanism mechanism, final ScramCredentialLookup credentials)
            throws NoSuchAlgorithmException {
        this.mechanism = mechanism;
        this.formatter = new ScramFormatter(mechanism);
        this.credentials = credentials;
    }

    @Override
    public byte[] evaluateResponse(final byte[] response) throws SaslException {
        try {
            return switch (state) {
                case CLIENT_FIRST -> first(response);
                case CLIENT_FINAL -> last(response);
                default -> throw new SaslException("unexpected SCRAM message in state " + state);
            };
        } catch (SaslException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
    }

    private byte[] first(final byte[] response) throws SaslException {
        clientFirst = new ClientFirstMessage(response);
        if (clientFirst.extensions().tokenAuthenticated()) {
            throw new SaslException("Authentication failed: delegation tokens are not supported");
        }
        user = ScramFormatter.username(clientFirst.saslName());
        final String authorizationId = clientFirst.authorizationId();
        if (!authorizationId.isEmpty() && !authorizationId.equals(user)) {
            throw new SaslAuthenticationException("Authentication failed: Client requested an authorization id that "
                    + "is different from username");
        }
        credential = credentials.find(user, mechanism.mechanismName())
                .orElseThrow(() -> new SaslException("Authentication failed: Invalid user credentials"));
        serverFirst = new ServerFirstMessage(clientFirst.nonce(), formatter.secureRandomString(), credential.salt(),
                credential.iterations());
        state = State.CLIENT_FINAL;
        return serverFirst.toBytes();
    }

    private byte[] last(final byte[] response) throws SaslException {
        final ClientFinalMessage clientFinal = new ClientFinalMessage(response);
        final String nonce = clientFinal.nonce();
        if (!nonce.equals(serverFirst.nonce()) && !nonce.equals(clientFirst.nonce() + serverFirst.nonce())) {
            throw new SaslException("Invalid client nonce in the final client message.");
        }
        try {
            final byte[] clientSignature = formatter.clientSignature(credential.storedKey(), clientFirst, serverFirst,
                    clientFinal);
            final byte[] computedStoredKey = formatter.storedKey(clientSignature, clientFinal.proof());
            if (!MessageDigest.isEqual(computedStoredKey, credential.storedKey())) {
                throw new SaslException("Invalid client credentials");
            }
            final byte[] serverSignature = formatter.serverSignature(credential.serverKey(), clientFirst, serverFirst,
                    clientFinal);
            state = State.COMPLETE;
            credential = null;
            return new ServerFinalMessage(null, serverSignature).toBytes();
        } catch (GeneralSecurityException e) {
            throw new SaslException("Authentication failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String getMechanismName() {
        return mechanism.mechanismName();
    }

    @Override
    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    @Override
    public String getAuthorizationID() {
        if (!isComplete()) {
            throw new IllegalStateException("authentication is not complete");
        }
        return user;
    }

    @Override
    public byte[] unwrap(final byte[] incoming, final int offset, final int len) {
        throw new IllegalStateException("SCRAM has no security layer");
    }

    @Override
    public byte[] wrap(final byte[] outgoing, final int offset, final int len) {
        throw new IllegalStateException("SCRAM has no security layer");
    }

    @Override
    public Object getNegotiatedProperty(final String propName) {
        return null;
    }

    @Override
    public void dispose() {
        credential = null;
    }
}
