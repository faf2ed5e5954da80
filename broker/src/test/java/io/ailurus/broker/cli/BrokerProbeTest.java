package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class BrokerProbeTest {

    @Test
    void aListeningPortIsReachable() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final int closed = FreePorts.closedPort();
            assertTrue(BrokerProbe.anyReachable("127.0.0.1:" + server.getLocalPort()));
            assertTrue(BrokerProbe.anyReachable("127.0.0.1:" + closed + ", 127.0.0.1:" + server.getLocalPort()),
                    "any one of the addresses will do");
        }
    }

    @Test
    void closedPortsAndBadAddressesAreNot() {
        assertFalse(BrokerProbe.anyReachable("127.0.0.1:" + FreePorts.closedPort()));
        assertFalse(BrokerProbe.anyReachable("no-such-host.invalid:9092"));
        assertFalse(BrokerProbe.anyReachable("garbage"));
    }
}
