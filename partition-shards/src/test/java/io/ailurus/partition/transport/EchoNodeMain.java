package io.ailurus.partition.transport;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A transport in a process of its own, for {@link CrossProcessTransportIT}: echoes every frame back to its sender.
 * Prints {@code PORT <port>} once listening, and exits when its stdin closes (so it never outlives the test).
 *
 * <p>Arguments: nodeId aeronDir peerNodeId peerPort
 */
public final class EchoNodeMain {

    private EchoNodeMain() {
    }

    public static void main(final String[] args) throws Exception {
        final int nodeId = Integer.parseInt(args[0]);
        final Path aeronDir = Path.of(args[1]);
        final int peerNodeId = Integer.parseInt(args[2]);
        final int peerPort = Integer.parseInt(args[3]);
        final ReplicationTransport[] self = new ReplicationTransport[1];
        final FrameHandler echo = (from, group, buffer, offset, length) -> {
            // Retrying here stalls receiving, which back-pressures the sender: exactly what a full queue should do.
            while (!self[0].send(from, group, buffer, offset, length)) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        };
        try (ReplicationTransport transport = ReplicationTransport.start(
            TransportConfig.defaults(nodeId, aeronDir).withEndpoint("127.0.0.1", 0), echo)) {
            self[0] = transport;
            transport.connect(peerNodeId, "127.0.0.1", peerPort);
            System.out.println("PORT " + transport.port());
            System.out.flush();
            final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (stdin.readLine() != null) {
                // Nothing to read: the test closes stdin to stop this node.
            }
            System.out.println("STATS " + transport.stats().peer(peerNodeId));
        }
    }
}
