package io.ailurus.partition.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A receiver that stalls now and then must slow its senders down (back-pressure), never lose or corrupt a frame. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SlowReceiverBackPressureTest {

    private static final int SENDER_THREADS = 2;
    private static final int FRAMES_PER_THREAD = 3000;

    @TempDir
    Path dir;

    @Test
    void slowHandlerBackPressuresSendersWithoutLosingAFrame() throws Exception {
        final ReceivedFrames received = new ReceivedFrames();
        final AtomicLong handled = new AtomicLong();
        final FrameHandler slow = (from, group, buffer, offset, length) -> {
            received.onFrame(from, group, buffer, offset, length);
            if (handled.incrementAndGet() % 25 == 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        };
        // Small terms (64 KiB) give a 32 KiB receiver window, so a stalled handler pushes back within a few frames.
        try (TestTransports transports = new TestTransports(dir)) {
            final ReplicationTransport a = transports.start(1, (f, g, b, o, l) -> { },
                c -> c.withLimits(8 * 1024, 512 * 1024, 1024 * 1024).withTermLength(64 * 1024));
            final ReplicationTransport b = transports.start(2, slow);
            TestTransports.connectAll(List.of(a, b));

            final AtomicLong sentBytes = new AtomicLong();
            final AtomicLong sentChecksum = new AtomicLong();
            final List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < SENDER_THREADS; t++) {
                final long group = 100 + t;
                senders.add(new Thread(() -> {
                    for (int i = 0; i < FRAMES_PER_THREAD; i++) {
                        // Mostly heartbeat-sized frames, some of several KiB, a few chunked ones.
                        final int length = i % 500 == 0 ? 200_000 : i % 10 == 0 ? 6000 : 64 + i % 700;
                        final UnsafeBuffer body = TestFrames.body(1, group, i, length);
                        TestTransports.sendRetrying(a, 2, group, body);
                        sentBytes.addAndGet(length);
                        sentChecksum.addAndGet(checksum(group, i, length));
                    }
                }, "test-sender-" + t));
            }
            senders.forEach(Thread::start);
            for (final Thread sender : senders) {
                sender.join(TimeUnit.SECONDS.toMillis(60));
            }

            received.awaitCount((long) SENDER_THREADS * FRAMES_PER_THREAD, Duration.ofSeconds(60));
            final List<ReceivedFrames.Frame> frames = received.frames();
            assertEquals((long) SENDER_THREADS * FRAMES_PER_THREAD, frames.size());
            long receivedBytes = 0;
            long receivedChecksum = 0;
            final long[] nextSequence = new long[SENDER_THREADS];
            for (final ReceivedFrames.Frame frame : frames) {
                assertTrue(frame.intact(), "intact " + frame);
                final int thread = (int) (frame.groupId() - 100);
                assertEquals(nextSequence[thread]++, frame.sequence(), "order within group " + frame.groupId());
                receivedBytes += frame.length();
                receivedChecksum += checksum(frame.groupId(), frame.sequence(), frame.length());
            }
            assertEquals(sentBytes.get(), receivedBytes);
            assertEquals(sentChecksum.get(), receivedChecksum);

            final PeerStats stats = a.stats().peer(2);
            System.out.printf("slow receiver: %d frames, %d messages, %d back-pressure events, %d queue-full%n",
                stats.framesSent(), stats.messagesSent(), stats.backPressureEvents(), stats.queueFullRejections());
            assertTrue(stats.backPressureEvents() > 0, "the slow receiver must have pushed back: " + stats);
            assertEquals(0, b.stats().handlerErrors());
        }
    }

    private static long checksum(final long group, final long sequence, final int length) {
        return (group * 31 + sequence) * 1_000_003L + length;
    }
}
