package io.ailurus.kafka.security;

import io.ailurus.partition.replica.BrokerChannel;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslClient;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;

/**
 * How this node talks to brokers as a client, through their inter-broker listener: transaction markers and produce
 * verification ({@link BrokerChannel}s), and the node's own kafka-clients (data transforms). TLS uses the listener's
 * {@code ssl.*} settings (the node's keystore doubles as its client certificate, the truststore as its trust);
 * SASL logs in as {@code ailurus.security.inter-broker.username} — a super user, since brokers write markers
 * (CLUSTER_ACTION) and transforms write any topic.
 */
public final class InterBrokerClient implements BrokerChannel.Security {

    private final SecurityProtocol protocol;
    private final Map<String, Object> sslConfigs;
    private final String mechanism;
    private final String username;
    private final String password;
    private final SSLContext tls;

    public InterBrokerClient(final SecurityProtocol protocol, final Map<String, Object> sslConfigs,
            final String mechanism, final String username, final String password) {
        this.protocol = protocol;
        this.sslConfigs = sslConfigs;
        this.mechanism = mechanism;
        this.username = username;
        this.password = password;
        this.tls = usesTls() ? clientContext(sslConfigs) : null;
    }

    private boolean usesTls() {
        return protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
    }

    private boolean usesSasl() {
        return protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
    }

    private static SSLContext clientContext(final Map<String, Object> sslConfigs) {
        final DefaultSslEngineFactory factory = new DefaultSslEngineFactory();
        factory.configure(new ConfigDef().withClientSslSupport().parse(sslConfigs));
        return factory.sslContext();
    }

    /** kafka-clients settings that reach the inter-broker listener as this node. */
    public Map<String, Object> clientProperties() {
        final Map<String, Object> p = new HashMap<>();
        p.put("security.protocol", protocol.name);
        if (usesTls()) {
            sslConfigs.forEach((k, v) -> {
                if (!k.equals("ssl.client.auth") && !k.equals("ssl.principal.mapping.rules")) {
                    p.put(k, v);
                }
            });
        }
        if (usesSasl()) {
            p.put("sasl.mechanism", mechanism);
            final String module = mechanism.equals("PLAIN")
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put("sasl.jaas.config", module + " required username=\"" + escape(username) + "\" password=\""
                    + escape(password) + "\";");
        }
        return p;
    }

    /** A JAAS option value is a quoted string: quotes and backslashes in it are escaped. */
    private static String escape(final String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public Socket connect(final String host, final int port, final int timeoutMs) throws IOException {
        final Socket plain = PLAINTEXT.connect(host, port, timeoutMs);
        if (tls == null) {
            return plain;
        }
        try {
            final SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
            final SSLParameters parameters = socket.getSSLParameters();
            final Object identification = sslConfigs.getOrDefault(
                    SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG,
                    SslConfigs.DEFAULT_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM);
            if (identification != null && !identification.toString().isEmpty()) {
                parameters.setEndpointIdentificationAlgorithm(identification.toString().toUpperCase());
            }
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(timeoutMs);
            socket.startHandshake();
            return socket;
        } catch (IOException e) {
            plain.close();
            throw e;
        }
    }

    @Override
    public void authenticate(final BrokerChannel channel) throws IOException {
        if (!usesSasl()) {
            return;
        }
        final SaslHandshakeResponse handshake = (SaslHandshakeResponse) channel.send(new SaslHandshakeRequest.Builder(
                new SaslHandshakeRequestData().setMechanism(mechanism)).build((short) 1));
        if (handshake.data().errorCode() != Errors.NONE.code()) {
            throw new IOException("the inter-broker listener refused SASL mechanism " + mechanism + ": "
                    + Errors.forCode(handshake.data().errorCode()));
        }
        final SaslClient client = saslClient();
        byte[] token = client.hasInitialResponse() ? client.evaluateChallenge(new byte[0]) : new byte[0];
        while (true) {
            final SaslAuthenticateResponse answer = (SaslAuthenticateResponse) channel.send(
                    new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData().setAuthBytes(token))
                            .build((short) 1));
            if (answer.data().errorCode() != Errors.NONE.code()) {
                throw new IOException("inter-broker login as '" + username + "' failed: "
                        + answer.data().errorMessage());
            }
            if (client.isComplete()) {
                return;
            }
            token = client.evaluateChallenge(answer.data().authBytes());
            if (client.isComplete() && (token == null || token.length == 0)) {
                return;   // the server's final message verified: nothing more to send
            }
        }
    }

    private SaslClient saslClient() throws SaslException {
        if (mechanism.equals("PLAIN")) {
            return new PlainClient(username, password);
        }
        try {
            return new ScramSaslClient(ScramMechanism.forMechanismName(mechanism), callbacks -> {
                for (final Callback c : callbacks) {
                    if (c instanceof NameCallback name) {
                        name.setName(username);
                    } else if (c instanceof PasswordCallback pass) {
                        pass.setPassword(password.toCharArray());
                    }
                }
            });
        } catch (NoSuchAlgorithmException e) {
            throw new SaslException("this JVM lacks " + mechanism, e);
        }
    }

    /** PLAIN (RFC 4616): one message, "\0user\0password". */
    private static final class PlainClient implements SaslClient {
        private final byte[] message;
        private boolean complete;

        PlainClient(final String username, final String password) {
            this.message = ("\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String getMechanismName() {
            return "PLAIN";
        }

        @Override
        public boolean hasInitialResponse() {
            return true;
        }

        @Override
        public byte[] evaluateChallenge(final byte[] challenge) {
            complete = true;
            return message;
        }

        @Override
        public boolean isComplete() {
            return complete;
        }

        @Override
        public byte[] unwrap(final byte[] incoming, final int offset, final int len) {
            throw new IllegalStateException("PLAIN has no security layer");
        }

        @Override
        public byte[] wrap(final byte[] outgoing, final int offset, final int len) {
            throw new IllegalStateException("PLAIN has no security layer");
        }

        @Override
        public Object getNegotiatedProperty(final String propName) {
            return null;
        }

        @Override
        public void dispose() {
        }
    }
}
