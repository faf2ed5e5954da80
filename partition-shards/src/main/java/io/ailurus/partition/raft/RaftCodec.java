package io.ailurus.partition.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Records;

/**
 * Binary layout of {@link RaftMessage}s on Agrona buffers, little-endian, without the group id (the transport
 * prepends it). Every message starts with a 1-byte type and the 4-byte sender node id. AppendEntries ends with the
 * batch bytes copied as they are stored (length-prefixed), never re-encoded; InstallLogStart ends with its voter
 * ids (count-prefixed).
 *
 * <pre>
 *   0: type (byte)  1: fromNode (int)  5: body
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class RaftCodec {

    public static final int HEADER_LENGTH = 5;
    private static final byte PRE_VOTE_REQUEST = 1;
    private static final byte PRE_VOTE_RESPONSE = 2;
    private static final byte VOTE_REQUEST = 3;
    private static final byte VOTE_RESPONSE = 4;
    private static final byte APPEND_ENTRIES = 5;
    private static final byte APPEND_RESPONSE = 6;
    private static final byte TIMEOUT_NOW = 7;
    private static final byte INSTALL_LOG_START = 8;
    /** term, prevLogEnd, prevTerm, leaderCommit, leaderTimeMs, leaderLogStart, batch bytes; the batches follow. */
    private static final int APPEND_ENTRIES_FIXED = 4 + 8 + 4 + 8 + 8 + 8 + 4;
    /** term, startOffset, startTerm, leaderCommit, leaderTimeMs, voter count; the voter ids follow. */
    private static final int INSTALL_LOG_START_FIXED = 4 + 8 + 4 + 8 + 8 + 4;

    /** A decoded message and who sent it. */
    public record Envelope(int fromNode, RaftMessage message) {
    }

    private RaftCodec() {
    }

    /** Bytes {@link #encode} will write for this message. */
    public static int encodedLength(final RaftMessage message) {
        if (message instanceof RaftMessage.PreVoteRequest) {
            return HEADER_LENGTH + 4 + 8 + 4;
        } else if (message instanceof RaftMessage.PreVoteResponse) {
            return HEADER_LENGTH + 4 + 4 + 1;
        } else if (message instanceof RaftMessage.VoteRequest) {
            return HEADER_LENGTH + 4 + 8 + 4 + 1;
        } else if (message instanceof RaftMessage.VoteResponse) {
            return HEADER_LENGTH + 4 + 1;
        } else if (message instanceof RaftMessage.AppendEntries ae) {
            return HEADER_LENGTH + APPEND_ENTRIES_FIXED + ae.batches().sizeInBytes();
        } else if (message instanceof RaftMessage.AppendResponse) {
            return HEADER_LENGTH + 4 + 1 + 8 + 8 + 8 + 4 + 8 + 1;
        } else if (message instanceof RaftMessage.TimeoutNow) {
            return HEADER_LENGTH + 4;
        } else if (message instanceof RaftMessage.InstallLogStart m) {
            return HEADER_LENGTH + INSTALL_LOG_START_FIXED + 4 * m.voters().size();
        }
        throw new IllegalArgumentException("unknown message " + message);
    }

    /** Writes the message at {@code offset}; returns the bytes written. The buffer must hold {@link #encodedLength}. */
    public static int encode(final MutableDirectBuffer buf, final int offset, final int fromNode, final RaftMessage message) {
        buf.putInt(offset + 1, fromNode, ByteOrder.LITTLE_ENDIAN);
        int p = offset + HEADER_LENGTH;
        if (message instanceof RaftMessage.PreVoteRequest m) {
            buf.putByte(offset, PRE_VOTE_REQUEST);
            p = putInt(buf, p, m.term());
            p = putLong(buf, p, m.lastLogEnd());
            p = putInt(buf, p, m.lastLogTerm());
        } else if (message instanceof RaftMessage.PreVoteResponse m) {
            buf.putByte(offset, PRE_VOTE_RESPONSE);
            p = putInt(buf, p, m.term());
            p = putInt(buf, p, m.proposedTerm());
            p = putBool(buf, p, m.granted());
        } else if (message instanceof RaftMessage.VoteRequest m) {
            buf.putByte(offset, VOTE_REQUEST);
            p = putInt(buf, p, m.term());
            p = putLong(buf, p, m.lastLogEnd());
            p = putInt(buf, p, m.lastLogTerm());
            p = putBool(buf, p, m.leadershipTransfer());
        } else if (message instanceof RaftMessage.VoteResponse m) {
            buf.putByte(offset, VOTE_RESPONSE);
            p = putInt(buf, p, m.term());
            p = putBool(buf, p, m.granted());
        } else if (message instanceof RaftMessage.AppendEntries m) {
            buf.putByte(offset, APPEND_ENTRIES);
            p = putInt(buf, p, m.term());
            p = putLong(buf, p, m.prevLogEnd());
            p = putInt(buf, p, m.prevTerm());
            p = putLong(buf, p, m.leaderCommit());
            p = putLong(buf, p, m.leaderTimeMs());
            p = putLong(buf, p, m.leaderLogStart());
            final int size = m.batches().sizeInBytes();
            p = putInt(buf, p, size);
            copyRecords(m.batches(), buf, p, size);
            p += size;
        } else if (message instanceof RaftMessage.AppendResponse m) {
            buf.putByte(offset, APPEND_RESPONSE);
            p = putInt(buf, p, m.term());
            p = putBool(buf, p, m.success());
            p = putLong(buf, p, m.matchEnd());
            p = putLong(buf, p, m.durableEnd());
            p = putLong(buf, p, m.hintOffset());
            p = putInt(buf, p, m.hintTerm());
            p = putLong(buf, p, m.leaderTimeMs());
            p = putBool(buf, p, m.solicited());
        } else if (message instanceof RaftMessage.TimeoutNow m) {
            buf.putByte(offset, TIMEOUT_NOW);
            p = putInt(buf, p, m.term());
        } else if (message instanceof RaftMessage.InstallLogStart m) {
            buf.putByte(offset, INSTALL_LOG_START);
            p = putInt(buf, p, m.term());
            p = putLong(buf, p, m.startOffset());
            p = putInt(buf, p, m.startTerm());
            p = putLong(buf, p, m.leaderCommit());
            p = putLong(buf, p, m.leaderTimeMs());
            p = putInt(buf, p, m.voters().size());
            for (final int voter : m.voters()) {
                p = putInt(buf, p, voter);
            }
        } else {
            throw new IllegalArgumentException("unknown message " + message);
        }
        return p - offset;
    }

    /** The sender of the message at {@code offset}, without decoding the body. */
    public static int fromNode(final DirectBuffer buf, final int offset) {
        return buf.getInt(offset + 1, ByteOrder.LITTLE_ENDIAN);
    }

    /** Decodes the message of {@code length} bytes at {@code offset}; batch bytes are copied out of the buffer. */
    public static Envelope decode(final DirectBuffer buf, final int offset, final int length) {
        if (length < HEADER_LENGTH) {
            throw new IllegalArgumentException("raft message of " + length + " bytes is too short");
        }
        final byte type = buf.getByte(offset);
        final int from = fromNode(buf, offset);
        final int p = offset + HEADER_LENGTH;
        final RaftMessage message;
        switch (type) {
            case PRE_VOTE_REQUEST -> message = new RaftMessage.PreVoteRequest(getInt(buf, p), getLong(buf, p + 4), getInt(buf, p + 12));
            case PRE_VOTE_RESPONSE -> message = new RaftMessage.PreVoteResponse(getInt(buf, p), getInt(buf, p + 4), getBool(buf, p + 8));
            case VOTE_REQUEST -> message = new RaftMessage.VoteRequest(getInt(buf, p), getLong(buf, p + 4), getInt(buf, p + 12),
                    getBool(buf, p + 16));
            case VOTE_RESPONSE -> message = new RaftMessage.VoteResponse(getInt(buf, p), getBool(buf, p + 4));
            case APPEND_ENTRIES -> {
                final int size = getInt(buf, p + APPEND_ENTRIES_FIXED - 4);
                if (size < 0 || HEADER_LENGTH + APPEND_ENTRIES_FIXED + size > length) {
                    throw new IllegalArgumentException("AppendEntries claims " + size + " batch bytes in a " + length + "-byte message");
                }
                final ByteBuffer batches = ByteBuffer.allocate(size);
                buf.getBytes(p + APPEND_ENTRIES_FIXED, batches, 0, size);
                message = new RaftMessage.AppendEntries(getInt(buf, p), getLong(buf, p + 4), getInt(buf, p + 12),
                        getLong(buf, p + 16), getLong(buf, p + 24),
                        size == 0 ? MemoryRecords.EMPTY : MemoryRecords.readableRecords(batches), getLong(buf, p + 32));
            }
            case APPEND_RESPONSE -> message = new RaftMessage.AppendResponse(getInt(buf, p), getBool(buf, p + 4),
                    getLong(buf, p + 5), getLong(buf, p + 13), getLong(buf, p + 21), getInt(buf, p + 29),
                    getLong(buf, p + 33), getBool(buf, p + 41));
            case TIMEOUT_NOW -> message = new RaftMessage.TimeoutNow(getInt(buf, p));
            case INSTALL_LOG_START -> message = decodeInstallLogStart(buf, p, length);
            default -> throw new IllegalArgumentException("unknown raft message type " + type);
        }
        if (length < encodedLength(message)) {
            throw new IllegalArgumentException("raft message truncated: " + length + " bytes");
        }
        return new Envelope(from, message);
    }

    private static RaftMessage.InstallLogStart decodeInstallLogStart(final DirectBuffer buf, final int p, final int length) {
        if (length < HEADER_LENGTH + INSTALL_LOG_START_FIXED) {
            throw new IllegalArgumentException("raft message truncated: " + length + " bytes");
        }
        final int count = getInt(buf, p + INSTALL_LOG_START_FIXED - 4);
        // Checked before allocating: a corrupt count must not make us build a huge list.
        if (count < 0 || HEADER_LENGTH + INSTALL_LOG_START_FIXED + 4L * count > length) {
            throw new IllegalArgumentException("InstallLogStart claims " + count + " voters in a " + length + "-byte message");
        }
        final List<Integer> voters = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            voters.add(getInt(buf, p + INSTALL_LOG_START_FIXED + 4 * i));
        }
        return new RaftMessage.InstallLogStart(getInt(buf, p), getLong(buf, p + 4), getInt(buf, p + 12),
                voters, getLong(buf, p + 16), getLong(buf, p + 24));
    }

    private static void copyRecords(final Records records, final MutableDirectBuffer buf, final int index, final int size) {
        if (size == 0) {
            return;
        }
        if (records instanceof MemoryRecords memory) {
            final ByteBuffer src = memory.buffer();
            buf.putBytes(index, src, src.position(), size);
        } else if (records instanceof FileRecords file) {
            final ByteBuffer tmp = ByteBuffer.allocate(size);
            try {
                file.readInto(tmp, 0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read batches for AppendEntries", e);
            }
            buf.putBytes(index, tmp, 0, size);
        } else {
            throw new IllegalArgumentException("unsupported records type " + records.getClass().getName());
        }
    }

    private static int putInt(final MutableDirectBuffer buf, final int p, final int v) {
        buf.putInt(p, v, ByteOrder.LITTLE_ENDIAN);
        return p + 4;
    }

    private static int putLong(final MutableDirectBuffer buf, final int p, final long v) {
        buf.putLong(p, v, ByteOrder.LITTLE_ENDIAN);
        return p + 8;
    }

    private static int putBool(final MutableDirectBuffer buf, final int p, final boolean v) {
        buf.putByte(p, v ? (byte) 1 : (byte) 0);
        return p + 1;
    }

    private static int getInt(final DirectBuffer buf, final int p) {
        return buf.getInt(p, ByteOrder.LITTLE_ENDIAN);
    }

    private static long getLong(final DirectBuffer buf, final int p) {
        return buf.getLong(p, ByteOrder.LITTLE_ENDIAN);
    }

    private static boolean getBool(final DirectBuffer buf, final int p) {
        return buf.getByte(p) != 0;
    }
}
