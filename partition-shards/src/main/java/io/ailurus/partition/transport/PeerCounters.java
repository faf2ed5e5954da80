package io.ailurus.partition.transport;

import java.util.concurrent.atomic.AtomicLong;

/** Running totals for one remote node, both directions; they survive disconnect and reconnect of the node. */
final class PeerCounters {

    final int nodeId;
    final AtomicLong framesSent = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong messagesSent = new AtomicLong();
    final AtomicLong framesReceived = new AtomicLong();
    final AtomicLong bytesReceived = new AtomicLong();
    final AtomicLong messagesReceived = new AtomicLong();
    final AtomicLong backPressureEvents = new AtomicLong();
    final AtomicLong notConnectedEvents = new AtomicLong();
    final AtomicLong queueFullRejections = new AtomicLong();

    PeerCounters(final int nodeId) {
        this.nodeId = nodeId;
    }

    PeerStats snapshot(final boolean connected, final long queuedBytes) {
        return new PeerStats(nodeId, connected, queuedBytes,
            framesSent.get(), bytesSent.get(), messagesSent.get(),
            framesReceived.get(), bytesReceived.get(), messagesReceived.get(),
            backPressureEvents.get(), notConnectedEvents.get(), queueFullRejections.get());
    }
}
