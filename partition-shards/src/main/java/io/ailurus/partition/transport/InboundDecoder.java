package io.ailurus.partition.transport;

import static io.ailurus.partition.transport.WireFormat.CHUNK_GROUP_OFFSET;
import static io.ailurus.partition.transport.WireFormat.CHUNK_HEADER_LENGTH;
import static io.ailurus.partition.transport.WireFormat.CHUNK_OFFSET_OFFSET;
import static io.ailurus.partition.transport.WireFormat.CHUNK_TOTAL_OFFSET;
import static io.ailurus.partition.transport.WireFormat.MESSAGE_HEADER_LENGTH;
import static io.ailurus.partition.transport.WireFormat.RECORD_GROUP_OFFSET;
import static io.ailurus.partition.transport.WireFormat.RECORD_HEADER_LENGTH;
import static io.ailurus.partition.transport.WireFormat.RECORD_LENGTH_OFFSET;
import static io.ailurus.partition.transport.WireFormat.SENDER_OFFSET;
import static io.ailurus.partition.transport.WireFormat.TYPE_BATCH;
import static io.ailurus.partition.transport.WireFormat.TYPE_CHUNK;
import static io.ailurus.partition.transport.WireFormat.TYPE_OFFSET;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whole Aeron messages (reassembled by a {@code FragmentAssembler} in front of it) back into frames for the
 * {@link FrameHandler}, and puts chunked frames back together. Receiver thread only.
 */
final class InboundDecoder implements FragmentHandler {

    private static final Logger LOG = LoggerFactory.getLogger(InboundDecoder.class);

    private final FrameHandler handler;
    private final ReceiveCounters counters;
    /** Partly received large frames by Aeron session (one session = one sender's publication incarnation). */
    private final Int2ObjectHashMap<ChunkedFrame> chunkedBySession = new Int2ObjectHashMap<>();

    /** Where received-side counters live; shared with the rest of the transport for {@code stats()}. */
    interface ReceiveCounters {
        PeerCounters forNode(int nodeId);

        void handlerFailed(int fromNode, long groupId, RuntimeException failure);
    }

    InboundDecoder(final FrameHandler handler, final ReceiveCounters counters) {
        this.handler = handler;
        this.counters = counters;
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        final int type = buffer.getInt(offset + TYPE_OFFSET);
        final int sender = buffer.getInt(offset + SENDER_OFFSET);
        final PeerCounters peer = counters.forNode(sender);
        peer.messagesReceived.incrementAndGet();
        if (type == TYPE_BATCH) {
            onBatch(sender, peer, buffer, offset + MESSAGE_HEADER_LENGTH, offset + length);
        } else if (type == TYPE_CHUNK) {
            onChunk(sender, peer, buffer, offset, length, header.sessionId());
        } else {
            LOG.warn("Dropping message of unknown type {} from node {}", type, sender);
        }
    }

    /** Delivers every frame record in {@code [from, end)}; also used for the in-memory loop to this node itself. */
    void onBatch(final int sender, final PeerCounters peer, final DirectBuffer buffer, final int from, final int end) {
        int position = from;
        int frames = 0;
        long bytes = 0;
        while (position < end) {
            final int bodyLength = buffer.getInt(position + RECORD_LENGTH_OFFSET);
            if (bodyLength < 0 || (long) position + RECORD_HEADER_LENGTH + bodyLength > end) {
                // Only a foreign or corrupt sender can produce this: our records always fit their message.
                LOG.warn("Dropping the rest of a malformed batch from node {}", sender);
                break;
            }
            final long groupId = buffer.getLong(position + RECORD_GROUP_OFFSET);
            deliver(sender, groupId, buffer, position + RECORD_HEADER_LENGTH, bodyLength);
            position += RECORD_HEADER_LENGTH + bodyLength;
            frames++;
            bytes += bodyLength;
        }
        peer.framesReceived.addAndGet(frames);
        peer.bytesReceived.addAndGet(bytes);
    }

    private void onChunk(
        final int sender,
        final PeerCounters peer,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int sessionId) {
        final long groupId = buffer.getLong(offset + CHUNK_GROUP_OFFSET);
        final int totalLength = buffer.getInt(offset + CHUNK_TOTAL_OFFSET);
        final int chunkOffset = buffer.getInt(offset + CHUNK_OFFSET_OFFSET);
        final int pieceLength = length - CHUNK_HEADER_LENGTH;
        if (totalLength < 0 || chunkOffset < 0 || pieceLength < 0 || (long) chunkOffset + pieceLength > totalLength) {
            LOG.warn("Dropping a malformed chunk from node {} group {}", sender, groupId);
            return;
        }

        ChunkedFrame frame = chunkedBySession.get(sessionId);
        if (chunkOffset == 0) {
            // A new frame starts; whatever was pending for this session can no longer complete.
            frame = new ChunkedFrame(groupId, totalLength);
            chunkedBySession.put(sessionId, frame);
        } else if (frame == null || frame.received != chunkOffset || frame.groupId != groupId
            || frame.totalLength != totalLength) {
            // Joined a stream mid-frame (e.g. after a restart): the head of this frame is gone.
            chunkedBySession.remove(sessionId);
            LOG.warn("Dropping the rest of a {} byte frame from node {} group {}: its start was not received",
                totalLength, sender, groupId);
            return;
        }
        frame.body.putBytes(frame.received, buffer, offset + CHUNK_HEADER_LENGTH, pieceLength);
        frame.received += pieceLength;
        if (frame.received == totalLength) {
            chunkedBySession.remove(sessionId);
            deliver(sender, groupId, frame.body, 0, totalLength);
            peer.framesReceived.incrementAndGet();
            peer.bytesReceived.addAndGet(totalLength);
        }
    }

    private void deliver(final int sender, final long groupId, final DirectBuffer buffer, final int offset,
        final int length) {
        try {
            handler.onFrame(sender, groupId, buffer, offset, length);
        } catch (final RuntimeException failure) {
            counters.handlerFailed(sender, groupId, failure);
        }
    }

    /** A large frame being put back together; allocated per frame, as large frames (snapshots) are rare. */
    private static final class ChunkedFrame {
        final long groupId;
        final int totalLength;
        final ExpandableArrayBuffer body;
        int received;

        ChunkedFrame(final long groupId, final int totalLength) {
            this.groupId = groupId;
            this.totalLength = totalLength;
            this.body = new ExpandableArrayBuffer(totalLength);
        }
    }
}
