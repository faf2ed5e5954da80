package io.ailurus.partition.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Starts transports for tests: each in its own driver dir under a temp dir, on a port picked by the OS. */
final class TestTransports implements AutoCloseable {

    private final Path root;
    private final List<ReplicationTransport> started = new ArrayList<>();

    TestTransports(final Path root) {
        this.root = root;
    }

    static TransportConfig config(final Path root, final int nodeId) {
        return TransportConfig.defaults(nodeId, root.resolve("node-" + nodeId).resolve("aeron"))
            .withEndpoint("127.0.0.1", 0);
    }

    ReplicationTransport start(final int nodeId, final FrameHandler handler) {
        return start(nodeId, handler, UnaryOperator.identity());
    }

    ReplicationTransport start(final int nodeId, final FrameHandler handler,
        final UnaryOperator<TransportConfig> adjust) {
        final ReplicationTransport transport =
            ReplicationTransport.start(adjust.apply(config(root, nodeId)), handler);
        started.add(transport);
        return transport;
    }

    /** The transport started last for this node id. */
    ReplicationTransport started(final int nodeId) {
        for (int i = started.size() - 1; i >= 0; i--) {
            if (started.get(i).nodeId() == nodeId) {
                return started.get(i);
            }
        }
        throw new IllegalArgumentException("no transport for node " + nodeId);
    }

    /** Connects every transport to every other one and waits until all links are up. */
    static void connectAll(final List<ReplicationTransport> transports) {
        for (final ReplicationTransport from : transports) {
            for (final ReplicationTransport to : transports) {
                from.connect(to.nodeId(), "127.0.0.1", to.port());
            }
        }
        for (final ReplicationTransport from : transports) {
            for (final ReplicationTransport to : transports) {
                awaitLink(from, to.nodeId());
            }
        }
    }

    static void awaitLink(final ReplicationTransport from, final int to) {
        ReceivedFrames.await(() -> from.isConnected(to), Duration.ofSeconds(15),
            () -> "link " + from.nodeId() + " -> " + to + " up");
    }

    /** Sends, retrying while the queue is full (what Raft does on its next heartbeat, compressed). */
    static void sendRetrying(final ReplicationTransport from, final int to, final long groupId,
        final org.agrona.DirectBuffer body) {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!from.send(to, groupId, body, 0, body.capacity())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("queue to node " + to + " stayed full");
            }
            // Park rather than spin: on two cores a spinning caller would starve the sender thread it waits for.
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
    }

    @Override
    public void close() {
        for (final ReplicationTransport transport : started) {
            transport.close();
        }
        started.clear();
    }
}
