package io.ailurus.kafka.security;

import javax.security.sasl.SaslServer;

/**
 * A connection's SASL exchange in progress: the mechanism the client chose in SaslHandshake and kafka-clients' server
 * side of it, fed by SaslAuthenticate. {@code reauthentication} marks a KIP-368 exchange on an authenticated
 * connection, which must end with the same principal.
 */
public record SaslExchange(String mechanism, SaslServer server, boolean reauthentication) {
}
