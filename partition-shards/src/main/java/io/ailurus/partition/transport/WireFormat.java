package io.ailurus.partition.transport;

/**
 * Layout of the Aeron messages between two transports (little-endian, Agrona's default byte order).
 *
 * <pre>
 * every message:  int type | int senderNodeId
 * BATCH:          header, then frame records back to back until the message ends
 *   frame record: int bodyLength | long groupId | body
 * CHUNK:          header | long groupId | int totalLength | int chunkOffset | bytes
 * </pre>
 *
 * A frame too large for one batch travels as consecutive CHUNK messages on the same publication; as a publication has
 * one writer and an image delivers in order, the chunks of one frame are never interleaved with anything else.
 * The outbound queues hold frame records in the same layout, so a batch is a slice of a queue buffer sent as is.
 */
final class WireFormat {

    static final int TYPE_BATCH = 1;
    static final int TYPE_CHUNK = 2;

    static final int TYPE_OFFSET = 0;
    static final int SENDER_OFFSET = 4;
    static final int MESSAGE_HEADER_LENGTH = 8;

    static final int RECORD_LENGTH_OFFSET = 0;
    static final int RECORD_GROUP_OFFSET = 4;
    static final int RECORD_HEADER_LENGTH = 12;

    static final int CHUNK_GROUP_OFFSET = 8;
    static final int CHUNK_TOTAL_OFFSET = 16;
    static final int CHUNK_OFFSET_OFFSET = 20;
    static final int CHUNK_HEADER_LENGTH = 24;

    private WireFormat() {
    }
}
