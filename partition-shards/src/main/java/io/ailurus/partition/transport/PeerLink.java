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

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One remote peer: its outbound queue (filled by callers) and its publication (written only by the sender thread,
 * which is why it is an exclusive publication). {@link #drain()} turns queued frames into as few messages as fit.
 */
final class PeerLink {

    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

    final int nodeId;
    final String host;
    final int port;
    final PeerOutbox outbox;
    final PeerCounters counters;

    private final ExclusivePublication publication;
    private final PeerOutbox.Drain drain = new PeerOutbox.Drain();
    private final UnsafeBuffer batchHeader = new UnsafeBuffer(new byte[MESSAGE_HEADER_LENGTH]);
    private final UnsafeBuffer chunkHeader = new UnsafeBuffer(new byte[CHUNK_HEADER_LENGTH]);
    private final int maxBatchPayload;
    private final int maxChunkPayload;
    /** Bytes of the frame at {@code drain.position} already sent as chunks; 0 when not inside a chunked frame. */
    private int chunkedBytes;
    private boolean wasConnected;

    PeerLink(
        final int selfNodeId,
        final int nodeId,
        final String host,
        final int port,
        final ExclusivePublication publication,
        final int maxBatchBytes,
        final int queueBytes,
        final PeerCounters counters) {
        this.nodeId = nodeId;
        this.host = host;
        this.port = port;
        this.publication = publication;
        this.outbox = new PeerOutbox(queueBytes);
        this.counters = counters;
        final int maxMessage = Math.min(maxBatchBytes, publication.maxMessageLength());
        this.maxBatchPayload = maxMessage - MESSAGE_HEADER_LENGTH;
        // A chunk may use the whole message the term allows: fewer, larger messages for a big frame.
        this.maxChunkPayload = publication.maxMessageLength() - CHUNK_HEADER_LENGTH;
        batchHeader.putInt(TYPE_OFFSET, TYPE_BATCH);
        batchHeader.putInt(SENDER_OFFSET, selfNodeId);
        chunkHeader.putInt(TYPE_OFFSET, TYPE_CHUNK);
        chunkHeader.putInt(SENDER_OFFSET, selfNodeId);
    }

    boolean sameEndpoint(final String otherHost, final int otherPort) {
        return host.equals(otherHost) && port == otherPort;
    }

    boolean isConnected() {
        return publication.isConnected();
    }

    long queuedBytes() {
        return outbox.queuedBytes() + drain.remaining();
    }

    /**
     * Sends what is queued until it is sent or Aeron refuses; refused data stays queued for the next call.
     *
     * @return the number of messages handed to Aeron
     */
    int drain() {
        logConnectivityChange();
        // One swap per call: a peer with a steady stream must not starve the others in the sender's loop.
        if (drain.isEmpty() && outbox.swap(drain) == 0) {
            return 0;
        }
        int messages = 0;
        while (!drain.isEmpty()) {
            final long result = offerNext();
            if (result < 0) {
                onRefused(result);
                break;
            }
            messages++;
        }
        return messages;
    }

    private long offerNext() {
        final int recordLength = RECORD_HEADER_LENGTH + drain.buffer.getInt(drain.position + RECORD_LENGTH_OFFSET);
        return recordLength > maxBatchPayload ? offerChunk() : offerBatch();
    }

    /** Coalesces as many whole frame records as fit in one message; the payload is a slice of the queue buffer. */
    private long offerBatch() {
        int end = drain.position;
        int frames = 0;
        long bodyBytes = 0;
        while (end < drain.limit) {
            final int bodyLength = drain.buffer.getInt(end + RECORD_LENGTH_OFFSET);
            final int recordLength = RECORD_HEADER_LENGTH + bodyLength;
            if (end - drain.position + recordLength > maxBatchPayload) {
                break;
            }
            end += recordLength;
            frames++;
            bodyBytes += bodyLength;
        }
        final long result = publication.offer(
            batchHeader, 0, MESSAGE_HEADER_LENGTH, drain.buffer, drain.position, end - drain.position);
        if (result > 0) {
            drain.position = end;
            counters.framesSent.addAndGet(frames);
            counters.bytesSent.addAndGet(bodyBytes);
            counters.messagesSent.incrementAndGet();
        }
        return result;
    }

    /** Sends the next piece of a frame larger than a batch; consecutive chunks of it follow on the next calls. */
    private long offerChunk() {
        final int bodyLength = drain.buffer.getInt(drain.position + RECORD_LENGTH_OFFSET);
        final int pieceLength = Math.min(maxChunkPayload, bodyLength - chunkedBytes);
        chunkHeader.putLong(CHUNK_GROUP_OFFSET, drain.buffer.getLong(drain.position + RECORD_GROUP_OFFSET));
        chunkHeader.putInt(CHUNK_TOTAL_OFFSET, bodyLength);
        chunkHeader.putInt(CHUNK_OFFSET_OFFSET, chunkedBytes);
        final long result = publication.offer(
            chunkHeader, 0, CHUNK_HEADER_LENGTH,
            drain.buffer, drain.position + RECORD_HEADER_LENGTH + chunkedBytes, pieceLength);
        if (result > 0) {
            counters.messagesSent.incrementAndGet();
            chunkedBytes += pieceLength;
            if (chunkedBytes == bodyLength) {
                drain.position += RECORD_HEADER_LENGTH + bodyLength;
                chunkedBytes = 0;
                counters.framesSent.incrementAndGet();
                counters.bytesSent.addAndGet(bodyLength);
            }
        }
        return result;
    }

    private void onRefused(final long result) {
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION) {
            counters.backPressureEvents.incrementAndGet();
        } else if (result == Publication.NOT_CONNECTED) {
            counters.notConnectedEvents.incrementAndGet();
        } else {
            // CLOSED or MAX_POSITION_EXCEEDED: this publication will never take data again; the data stays queued
            // and the owner replaces the link (connect again) if it wants the peer back.
            if (counters.notConnectedEvents.getAndIncrement() == 0) {
                LOG.error("Publication to node {} refused data for good ({}), reconnect it", nodeId,
                    Publication.errorString(result));
            }
        }
    }

    private void logConnectivityChange() {
        final boolean connected = publication.isConnected();
        if (connected != wasConnected) {
            wasConnected = connected;
            if (connected) {
                LOG.info("Replication link to node {} at {}:{} is up", nodeId, host, port);
            } else {
                LOG.info("Replication link to node {} at {}:{} is down, keeping up to the queue bound",
                    nodeId, host, port);
            }
        }
    }

    void close() {
        publication.close();
    }
}
