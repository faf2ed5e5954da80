package io.ailurus.partition.replica;

import io.ailurus.partition.raft.RaftCodec;
import io.ailurus.partition.raft.RaftMessage;
import io.ailurus.partition.transport.FrameHandler;
import io.ailurus.partition.transport.ReplicationTransport;
import io.ailurus.partition.transport.TransportConfig;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raft messages between nodes: encodes them with {@link RaftCodec} straight into the Aeron transport's per-peer
 * queue, and decodes what arrives into a {@link Router} that hands each message to its group's owner (a replica
 * actor, or the controller). A message that cannot be queued (peer down, queue full) is counted and dropped here:
 * Raft retransmits on its own timers, so loss only costs time.
 */
public final class RaftNetwork implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RaftNetwork.class);

    /** Delivers an inbound message to the owner of {@code groupId}; called on the transport's receiver thread. */
    public interface Router {
        void route(long groupId, int fromNode, RaftMessage message);
    }

    private final int selfId;
    private final ReplicationTransport transport;
    private final AtomicLong unsent = new AtomicLong();

    private RaftNetwork(final int selfId, final ReplicationTransport transport) {
        this.selfId = selfId;
        this.transport = transport;
    }

    public static RaftNetwork start(final TransportConfig config, final Router router) {
        final FrameHandler handler = (from, groupId, buffer, offset, length) -> deliver(router, groupId, buffer, offset, length);
        return new RaftNetwork(config.nodeId(), ReplicationTransport.start(config, handler));
    }

    private static void deliver(final Router router, final long groupId, final DirectBuffer buffer, final int offset,
            final int length) {
        final RaftCodec.Envelope envelope;
        try {
            envelope = RaftCodec.decode(buffer, offset, length);
        } catch (RuntimeException e) {
            LOG.warn("Dropped an undecodable Raft frame for group {} ({} bytes): {}", groupId, length, e.toString());
            return;
        }
        router.route(groupId, envelope.fromNode(), envelope.message());
    }

    /** Queues {@code message} for {@code toNode}; returns false if it could not be queued. */
    public boolean send(final int toNode, final long groupId, final RaftMessage message) {
        final int length = RaftCodec.encodedLength(message);
        final boolean queued = transport.send(toNode, groupId, length,
                (buffer, offset) -> RaftCodec.encode(buffer, offset, selfId, message));
        if (!queued) {
            unsent.incrementAndGet();
        }
        return queued;
    }

    public void connect(final int nodeId, final String host, final int port) {
        transport.connect(nodeId, host, port);
    }

    public void disconnect(final int nodeId) {
        transport.disconnect(nodeId);
    }

    public int port() {
        return transport.port();
    }

    public int selfId() {
        return selfId;
    }

    /** Messages that could not be queued (their peer was down or its queue full) since start. */
    public long unsent() {
        return unsent.get();
    }

    @Override
    public void close() {
        transport.close();
    }
}
