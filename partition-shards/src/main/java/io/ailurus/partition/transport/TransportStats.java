package io.ailurus.partition.transport;

import java.util.Map;

/**
 * A snapshot of a transport's counters.
 *
 * @param peers                  by node id: every node this transport has sent to or received from (itself included)
 * @param unknownPeerRejections  {@code send} calls to a node that was not {@code connect}ed
 * @param handlerErrors          exceptions thrown by the {@link FrameHandler} (logged, the frame counts as delivered)
 */
public record TransportStats(int nodeId, Map<Integer, PeerStats> peers, long unknownPeerRejections, long handlerErrors) {

    /** The counters for one node, or all zeroes if nothing was exchanged with it. */
    public PeerStats peer(final int node) {
        final PeerStats stats = peers.get(node);
        return stats != null ? stats : new PeerCounters(node).snapshot(false, 0);
    }
}
