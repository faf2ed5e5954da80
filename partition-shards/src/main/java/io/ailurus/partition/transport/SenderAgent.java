package io.ailurus.partition.transport;

import org.agrona.concurrent.Agent;

/**
 * The duty cycle that moves queued frames into the peers' publications and closes links that were disconnected.
 * Runs on its own thread so that a slow {@link FrameHandler} never delays outbound replication.
 */
final class SenderAgent implements Agent {

    private final String roleName;
    private final PeerDirectory peers;

    SenderAgent(final int nodeId, final PeerDirectory peers) {
        this.roleName = "ailurus-replication-sender-" + nodeId;
        this.peers = peers;
    }

    @Override
    public int doWork() {
        int work = closeRetired();
        for (final PeerLink link : peers.links()) {
            work += link.drain();
        }
        return work;
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
