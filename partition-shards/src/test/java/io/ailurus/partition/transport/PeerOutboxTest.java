package io.ailurus.partition.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class PeerOutboxTest {

    private static final UnsafeBuffer BODY = new UnsafeBuffer(new byte[100]);

    @Test
    void swapHandsOverEveryQueuedRecordInOrder() {
        final PeerOutbox outbox = new PeerOutbox(1024);
        assertEquals(PeerOutbox.Appended.FIRST, outbox.append(7, BODY, 0, 10));
        assertEquals(PeerOutbox.Appended.MORE, outbox.append(8, BODY, 0, 20));
        assertEquals(12 + 10 + 12 + 20, outbox.queuedBytes());

        final PeerOutbox.Drain drain = new PeerOutbox.Drain();
        assertEquals(54, outbox.swap(drain));
        assertEquals(0, outbox.queuedBytes());
        assertEquals(10, drain.buffer.getInt(0));
        assertEquals(7, drain.buffer.getLong(4));
        assertEquals(20, drain.buffer.getInt(22));
        assertEquals(8, drain.buffer.getLong(26));
        assertEquals(0, outbox.swap(new PeerOutbox.Drain()), "nothing left");
        assertEquals(PeerOutbox.Appended.FIRST, outbox.append(9, BODY, 0, 1), "empty again");
    }

    @Test
    void rejectsWhatWouldExceedTheBoundUntilDrained() {
        final PeerOutbox outbox = new PeerOutbox(2 * (12 + 100));
        assertEquals(PeerOutbox.Appended.FIRST, outbox.append(1, BODY, 0, 100));
        assertEquals(PeerOutbox.Appended.MORE, outbox.append(1, BODY, 0, 100));
        assertEquals(PeerOutbox.Appended.REJECTED, outbox.append(1, BODY, 0, 1));
        outbox.swap(new PeerOutbox.Drain());
        assertEquals(PeerOutbox.Appended.FIRST, outbox.append(1, BODY, 0, 100));
    }

    @Test
    void encoderWritesInPlaceAndAWrongLengthCommitsNothing() {
        final PeerOutbox outbox = new PeerOutbox(1024);
        assertEquals(PeerOutbox.Appended.FIRST, outbox.append(3, 16, (buffer, offset) -> {
            buffer.putLong(offset, 42L);
            return 8;
        }));
        assertThrows(IllegalStateException.class, () -> outbox.append(3, 16, (buffer, offset) -> 17));
        assertEquals(12 + 8, outbox.queuedBytes());
        final PeerOutbox.Drain drain = new PeerOutbox.Drain();
        outbox.swap(drain);
        assertEquals(42L, drain.buffer.getLong(12));
    }
}
