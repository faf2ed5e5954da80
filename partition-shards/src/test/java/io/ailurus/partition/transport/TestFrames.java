package io.ailurus.partition.transport;

import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Test frame bodies that prove themselves: a sequence number, then bytes derived from (sender, group, sequence). */
final class TestFrames {

    static final int MIN_LENGTH = Long.BYTES;

    private TestFrames() {
    }

    static UnsafeBuffer body(final int sender, final long groupId, final long sequence, final int length) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Math.max(MIN_LENGTH, length)]);
        buffer.putLong(0, sequence);
        final SplittableRandom random = new SplittableRandom(seed(sender, groupId, sequence));
        for (int i = MIN_LENGTH; i < buffer.capacity(); i++) {
            buffer.putByte(i, (byte) random.nextInt());
        }
        return buffer;
    }

    static long sequence(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset);
    }

    /** True when the body is exactly what {@link #body} produced for this sender and group. */
    static boolean intact(final int sender, final long groupId, final DirectBuffer buffer, final int offset,
        final int length) {
        if (length < MIN_LENGTH) {
            return false;
        }
        final SplittableRandom random = new SplittableRandom(seed(sender, groupId, buffer.getLong(offset)));
        for (int i = MIN_LENGTH; i < length; i++) {
            if (buffer.getByte(offset + i) != (byte) random.nextInt()) {
                return false;
            }
        }
        return true;
    }

    private static long seed(final int sender, final long groupId, final long sequence) {
        return sender * 0x9E3779B97F4A7C15L ^ groupId * 0xC2B2AE3D27D4EB4FL ^ sequence * 0x165667B19E3779F9L;
    }
}
