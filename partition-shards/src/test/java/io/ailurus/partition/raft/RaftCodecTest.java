package io.ailurus.partition.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

class RaftCodecTest {

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(8192));

    @Test
    void everyMessageRoundTrips() {
        final List<RaftMessage> messages = List.of(
                new RaftMessage.PreVoteRequest(7, 123_456_789_012L, 6),
                new RaftMessage.PreVoteResponse(6, 7, true),
                new RaftMessage.PreVoteResponse(9, 7, false),
                new RaftMessage.VoteRequest(8, 42, 5, true),
                new RaftMessage.VoteRequest(8, 0, 0, false),
                new RaftMessage.VoteResponse(8, true),
                new RaftMessage.AppendResponse(3, true, 100, 90, -1, -1, 5555, true),
                new RaftMessage.AppendResponse(3, false, 0, 0, 17, 2, Long.MAX_VALUE, false),
                new RaftMessage.TimeoutNow(12),
                new RaftMessage.InstallLogStart(9, 4_000_000_000L, 7, List.of(1, 2, 5), 4_000_000_123L, 8888),
                new RaftMessage.InstallLogStart(1, 0, 0, List.of(), 0, 0));
        for (final RaftMessage m : messages) {
            final int written = RaftCodec.encode(buffer, 16, 3, m);
            assertEquals(RaftCodec.encodedLength(m), written, m.toString());
            assertEquals(3, RaftCodec.fromNode(buffer, 16));
            final RaftCodec.Envelope e = RaftCodec.decode(buffer, 16, written);
            assertEquals(3, e.fromNode());
            assertEquals(m, e.message());
        }
    }

    @Test
    void appendEntriesCarriesBatchBytesUnchanged() {
        final MemoryRecords batches = MemoryRecords.withRecords(10L, Compression.NONE, 4,
                new SimpleRecord(1L, "k".getBytes(StandardCharsets.UTF_8), "v1".getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord(2L, null, "v2".getBytes(StandardCharsets.UTF_8)));
        final RaftMessage.AppendEntries m = new RaftMessage.AppendEntries(4, 10, 3, 9, 777, batches, 6);
        final int written = RaftCodec.encode(buffer, 0, 2, m);
        final RaftMessage.AppendEntries back = (RaftMessage.AppendEntries) RaftCodec.decode(buffer, 0, written).message();
        assertEquals(4, back.term());
        assertEquals(10, back.prevLogEnd());
        assertEquals(3, back.prevTerm());
        assertEquals(9, back.leaderCommit());
        assertEquals(777, back.leaderTimeMs());
        assertEquals(6, back.leaderLogStart());
        assertArrayEquals(bytes(batches), bytes((MemoryRecords) back.batches()));
        ((MemoryRecords) back.batches()).batches().forEach(b -> b.ensureValid());

        final RaftMessage.AppendEntries heartbeat = new RaftMessage.AppendEntries(4, 10, 3, 9, 1, MemoryRecords.EMPTY);
        final int hb = RaftCodec.encode(buffer, 0, 2, heartbeat);
        assertEquals(0, ((RaftMessage.AppendEntries) RaftCodec.decode(buffer, 0, hb).message()).batches().sizeInBytes());
    }

    @Test
    void truncatedOrUnknownInputIsRejected() {
        final int written = RaftCodec.encode(buffer, 0, 1, new RaftMessage.VoteRequest(1, 2, 3, false));
        assertThrows(IllegalArgumentException.class, () -> RaftCodec.decode(buffer, 0, written - 1));
        buffer.putByte(0, (byte) 99);
        assertThrows(IllegalArgumentException.class, () -> RaftCodec.decode(buffer, 0, written));
    }

    @Test
    void installLogStartWithACorruptVoterCountIsRejected() {
        final RaftMessage m = new RaftMessage.InstallLogStart(2, 100, 1, List.of(1, 2, 3), 100, 5);
        final int written = RaftCodec.encode(buffer, 0, 1, m);
        assertThrows(IllegalArgumentException.class, () -> RaftCodec.decode(buffer, 0, written - 4), "a voter id cut off");
        buffer.putInt(RaftCodec.HEADER_LENGTH + 32, Integer.MAX_VALUE, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThrows(IllegalArgumentException.class, () -> RaftCodec.decode(buffer, 0, written), "a count beyond the message");
    }

    private static byte[] bytes(final MemoryRecords records) {
        final ByteBuffer b = records.buffer().duplicate();
        final byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
