package io.ailurus.broker.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.apache.kafka.common.utils.Utils;

/**
 * Tells "nothing listens there" apart from "a broker listens but did not answer in time" after a client call timed
 * out: kafka-clients reports both as a {@code TimeoutException}.
 */
final class BrokerProbe {

    static final int CONNECT_TIMEOUT_MS = 1000;

    private BrokerProbe() {
    }

    /** Whether any of the comma-separated bootstrap addresses accepts a TCP connection. */
    static boolean anyReachable(final String bootstrap) {
        for (final String address : bootstrap.split(",")) {
            final String host = Utils.getHost(address.trim());
            final Integer port = Utils.getPort(address.trim());
            if (host != null && port != null && accepts(host, port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean accepts(final String host, final int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
