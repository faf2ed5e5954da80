package io.ailurus.kafka.network;

import java.net.InetAddress;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * What request handling knows of one client connection: where it comes from, which listener it reached, and who it
 * has proven to be. The principal is set by the transport (a TLS client certificate) or by the SASL exchange, both
 * on the connection's network thread; handlers on other threads read it, hence volatile.
 */
public final class ClientConnection {

    private final long id;
    private final String remoteAddress;
    private final InetAddress remoteHost;
    private final String listenerName;
    private final SecurityProtocol protocol;
    private volatile KafkaPrincipal principal = KafkaPrincipal.ANONYMOUS;
    private volatile boolean authenticated;
    private volatile String closeReason;
    private volatile long sessionExpiresAtMs = Long.MAX_VALUE;
    private Object authentication;

    public ClientConnection(final long id, final String remoteAddress, final InetAddress remoteHost, final String listenerName,
            final SecurityProtocol protocol) {
        this.id = id;
        this.remoteAddress = remoteAddress;
        this.remoteHost = remoteHost;
        this.listenerName = listenerName;
        this.protocol = protocol;
        // Nothing to prove on a plaintext or TLS listener beyond the transport itself.
        this.authenticated = !needsSasl();
    }

    public long id() {
        return id;
    }

    /** The peer's address, for log lines ("/127.0.0.1:53211"). */
    public String remoteAddress() {
        return remoteAddress;
    }

    public InetAddress remoteHost() {
        return remoteHost;
    }

    public String listenerName() {
        return listenerName;
    }

    public SecurityProtocol protocol() {
        return protocol;
    }

    public boolean needsSasl() {
        return protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
    }

    public KafkaPrincipal principal() {
        return principal;
    }

    /** Whether requests beyond ApiVersions and the SASL exchange may be served. */
    public boolean authenticated() {
        return authenticated;
    }

    public void authenticatedAs(final KafkaPrincipal principal) {
        this.principal = principal;
        this.authenticated = true;
    }

    /** The transport established who the peer is (TLS client certificate); SASL may still have to follow. */
    void transportPrincipal(final KafkaPrincipal principal) {
        this.principal = principal;
    }

    /** When the client must have re-authenticated (KIP-368); requests after it close the connection. */
    public long sessionExpiresAtMs() {
        return sessionExpiresAtMs;
    }

    public void sessionExpiresAtMs(final long atMs) {
        this.sessionExpiresAtMs = atMs;
    }

    /** State the request layer keeps for this connection (the SASL exchange); network thread only. */
    @SuppressWarnings("unchecked")
    public <T> T authentication() {
        return (T) authentication;
    }

    public void authentication(final Object state) {
        this.authentication = state;
    }

    /**
     * Closes the connection once the responses of requests received so far are written: a failed authentication is
     * answered, then the client is cut off. {@code reason} becomes the one log line.
     */
    public void closeAfterResponses(final String reason) {
        this.closeReason = reason;
    }

    String closeReason() {
        return closeReason;
    }
}
