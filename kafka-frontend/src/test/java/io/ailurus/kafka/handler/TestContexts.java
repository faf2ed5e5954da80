package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.network.ClientConnection;
import io.ailurus.kafka.security.Authorizer;
import java.net.InetAddress;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/** Request contexts for handler tests: a plaintext client on loopback, everything allowed unless said otherwise. */
final class TestContexts {

    private TestContexts() {
    }

    static RequestContext plaintext(final RequestHeader header) {
        return plaintext(header, Authorizer.ALLOW_ALL);
    }

    static RequestContext plaintext(final RequestHeader header, final Authorizer authorizer) {
        return new RequestContext(header, new ClientConnection(1L, "/127.0.0.1:50000",
                InetAddress.getLoopbackAddress(), "PLAINTEXT", SecurityProtocol.PLAINTEXT), authorizer);
    }
}
