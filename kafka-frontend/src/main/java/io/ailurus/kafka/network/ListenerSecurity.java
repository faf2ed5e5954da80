package io.ailurus.kafka.network;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import org.apache.kafka.common.network.ChannelMetadataRegistry;
import org.apache.kafka.common.network.CipherInformation;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.PlaintextTransportLayer;
import org.apache.kafka.common.network.SslTransportLayer;
import org.apache.kafka.common.network.TransportLayer;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.auth.SslAuthenticationContext;
import org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder;

/**
 * How one named listener secures its connections: its security protocol, where TLS engines come from, and how a TLS
 * client certificate becomes a principal. The transports are kafka-clients' own ({@link PlaintextTransportLayer},
 * {@link SslTransportLayer}): the same non-blocking TLS code Apache Kafka's brokers run, including encrypted
 * {@code transferFrom} for fetches.
 *
 * @param tlsEngines       a fresh server engine per connection (peer host and port); null unless the protocol uses TLS
 * @param principals       builds a TLS peer's principal (Kafka's {@code ssl.principal.mapping.rules}); null without TLS
 * @param handshakeTimeoutMs how long a connection may take to finish TLS and SASL before it is closed
 */
public record ListenerSecurity(String listenerName, SecurityProtocol protocol,
        Function<InetSocketAddress, SSLEngine> tlsEngines, DefaultKafkaPrincipalBuilder principals,
        long handshakeTimeoutMs) {

    boolean usesTls() {
        return protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
    }

    TransportLayer transport(final long connectionId, final SelectionKey key) throws IOException {
        if (!usesTls()) {
            return new PlaintextTransportLayer(key);
        }
        final SocketChannel channel = (SocketChannel) key.channel();
        final InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
        return SslTransportLayer.create(Long.toString(connectionId), key, tlsEngines.apply(peer), new NoMetadata());
    }

    /** The principal of a TLS peer once its handshake is done: its certificate's mapped subject, or ANONYMOUS. */
    KafkaPrincipal tlsPrincipal(final SslTransportLayer transport, final ClientConnection connection) {
        return principals.build(new SslAuthenticationContext(transport.sslSession(), connection.remoteHost(),
                listenerName));
    }

    /** Kafka's transports report cipher and client software here for its metrics; we keep nothing. */
    private static final class NoMetadata implements ChannelMetadataRegistry {
        @Override
        public void registerCipherInformation(final CipherInformation cipherInformation) {
        }

        @Override
        public CipherInformation cipherInformation() {
            return null;
        }

        @Override
        public void registerClientInformation(final ClientInformation clientInformation) {
        }

        @Override
        public ClientInformation clientInformation() {
            return ClientInformation.EMPTY;
        }

        @Override
        public void close() {
        }
    }
}
