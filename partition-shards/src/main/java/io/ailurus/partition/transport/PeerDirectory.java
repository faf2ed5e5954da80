package io.ailurus.partition.transport;

import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * The connected peers, copy-on-write: membership changes are rare, lookups happen on every send, so readers get an
 * immutable snapshot through one volatile read. Replaced or removed links wait in {@link #pollRetired()} for the
 * sender thread to close them, because only that thread may touch a link's publication.
 */
final class PeerDirectory {

    private record Snapshot(Int2ObjectHashMap<PeerLink> byNode, PeerLink[] links) {
    }

    private volatile Snapshot snapshot = new Snapshot(new Int2ObjectHashMap<>(), new PeerLink[0]);
    private final Queue<PeerLink> retired = new ConcurrentLinkedQueue<>();

    PeerLink get(final int nodeId) {
        return snapshot.byNode.get(nodeId);
    }

    PeerLink[] links() {
        return snapshot.links;
    }

    synchronized void put(final PeerLink link) {
        final Int2ObjectHashMap<PeerLink> byNode = new Int2ObjectHashMap<>(snapshot.byNode);
        final PeerLink replaced = byNode.put(link.nodeId, link);
        publish(byNode);
        if (replaced != null) {
            retired.add(replaced);
        }
    }

    synchronized PeerLink remove(final int nodeId) {
        final Int2ObjectHashMap<PeerLink> byNode = new Int2ObjectHashMap<>(snapshot.byNode);
        final PeerLink removed = byNode.remove(nodeId);
        if (removed != null) {
            publish(byNode);
            retired.add(removed);
        }
        return removed;
    }

    /** Empties the directory, retiring every link (on close). */
    synchronized void clear() {
        retired.addAll(Arrays.asList(snapshot.links));
        publish(new Int2ObjectHashMap<>());
    }

    PeerLink pollRetired() {
        return retired.poll();
    }

    private void publish(final Int2ObjectHashMap<PeerLink> byNode) {
        snapshot = new Snapshot(byNode, byNode.values().toArray(new PeerLink[0]));
    }
}
