package io.ailurus.partition.transport;

import static io.ailurus.partition.transport.WireFormat.RECORD_GROUP_OFFSET;
import static io.ailurus.partition.transport.WireFormat.RECORD_HEADER_LENGTH;
import static io.ailurus.partition.transport.WireFormat.RECORD_LENGTH_OFFSET;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * The bounded outbound queue of one peer: many callers append frame records, one drainer takes everything queued at
 * once (double buffering: the drainer swaps its emptied buffer for the filled one).
 *
 * <p>A short lock instead of a lock-free ring buffer, because frames may be megabytes: Agrona's ring buffers cap a
 * record at an eighth of their capacity, which would mean 32 MiB of queue per peer for 4 MiB frames. Here the bound
 * applies to the filling buffer; the drainer may hold up to as much again while it waits on back-pressure.
 */
final class PeerOutbox {

    /** Buffers grown past this by a large frame are dropped after use, so an idle peer keeps little memory. */
    private static final int RETAINED_CAPACITY = 1024 * 1024;
    private static final int INITIAL_CAPACITY = 64 * 1024;

    private final int capacityBytes;
    private ExpandableArrayBuffer filling = new ExpandableArrayBuffer(INITIAL_CAPACITY);
    private int filledBytes;
    private volatile int queuedBytes;

    PeerOutbox(final int capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /** The outcome of an append, so the caller knows whether the drainer may be asleep on an empty queue. */
    enum Appended { REJECTED, FIRST, MORE }

    Appended append(final long groupId, final DirectBuffer body, final int offset, final int length) {
        synchronized (this) {
            final int at = reserve(length);
            if (at < 0) {
                return Appended.REJECTED;
            }
            filling.putBytes(at + RECORD_HEADER_LENGTH, body, offset, length);
            return commit(at, groupId, length);
        }
    }

    Appended append(final long groupId, final int maxLength, final FrameEncoder encoder) {
        synchronized (this) {
            final int at = reserve(maxLength);
            if (at < 0) {
                return Appended.REJECTED;
            }
            // The buffer's capacity is only grown by reserve(), so the encoder sees maxLength writable bytes.
            final int length = encoder.encode(filling, at + RECORD_HEADER_LENGTH);
            if (length < 0 || length > maxLength) {
                throw new IllegalStateException("encoder wrote " + length + " bytes, allowed 0.." + maxLength);
            }
            return commit(at, groupId, length);
        }
    }

    private int reserve(final int length) {
        final int at = filledBytes;
        if ((long) at + RECORD_HEADER_LENGTH + length > capacityBytes) {
            return -1;
        }
        filling.checkLimit(at + RECORD_HEADER_LENGTH + length);
        return at;
    }

    private Appended commit(final int at, final long groupId, final int length) {
        filling.putInt(at + RECORD_LENGTH_OFFSET, length);
        filling.putLong(at + RECORD_GROUP_OFFSET, groupId);
        filledBytes = at + RECORD_HEADER_LENGTH + length;
        queuedBytes = filledBytes;
        return at == 0 ? Appended.FIRST : Appended.MORE;
    }

    /**
     * Hands everything queued to the drainer in exchange for its emptied buffer.
     *
     * @return the filled length of {@code drained.buffer} after the swap, 0 if nothing was queued (no swap then)
     */
    int swap(final Drain drained) {
        synchronized (this) {
            if (filledBytes == 0) {
                return 0;
            }
            final ExpandableArrayBuffer emptied = drained.buffer;
            drained.buffer = filling;
            drained.position = 0;
            drained.limit = filledBytes;
            filling = emptied.capacity() > RETAINED_CAPACITY ? new ExpandableArrayBuffer(INITIAL_CAPACITY) : emptied;
            filledBytes = 0;
            queuedBytes = 0;
            return drained.limit;
        }
    }

    int queuedBytes() {
        return queuedBytes;
    }

    /** The drainer's side of the double buffer: records in {@code [position, limit)} are still to be sent. */
    static final class Drain {
        ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(INITIAL_CAPACITY);
        int position;
        int limit;

        boolean isEmpty() {
            return position == limit;
        }

        int remaining() {
            return limit - position;
        }
    }
}
