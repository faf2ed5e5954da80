package io.ailurus.partition.transport;

import org.agrona.concurrent.Agent;

/**
 * The duty cycle that moves queued frames into the peers' publications and closes links that were disconnected.
 * Runs on its own thread so that a slow {@link FrameHandler} never delays outbound replication.
 */
final class SenderAgent implements Agent {

    private final String roleName;
    private final PeerDirectory peers;
    private final ThreadWaker driver;

    SenderAgent(final int nodeId, final PeerDirectory peers, final ThreadWaker driver) {
        this.roleName = "ailurus-replication-sender-" + nodeId;
        this.peers = peers;
        this.driver = driver;
    }

    @Override
    public int doWork() {
        int messages = 0;
        for (final PeerLink link : peers.links()) {
            messages += link.drain();
        }
        if (messages > 0) {
            // The driver's sender duty transmits what we just offered; do not let it sleep out its park first.
            driver.wake();
        }
        return messages + closeRetired();
    }

    private int closeRetired() {
        int closed = 0;
        PeerLink link;
        while ((link = peers.pollRetired()) != null) {
            link.close();
            closed++;
        }
        return closed;
    }

    @Override
    public void onClose() {
        peers.clear();
        closeRetired();
    }

    @Override
    public String roleName() {
        return roleName;
    }
}
