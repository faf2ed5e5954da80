package io.ailurus.partition.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.agrona.DirectBuffer;

/** A handler that records every frame (sender, group, sequence, length, intact) for the test to check afterwards. */
final class ReceivedFrames implements FrameHandler {

    record Frame(int from, long groupId, long sequence, int length, boolean intact) {
    }

    private final ConcurrentLinkedQueue<Frame> frames = new ConcurrentLinkedQueue<>();
    private final AtomicLong count = new AtomicLong();

    @Override
    public void onFrame(final int fromNode, final long groupId, final DirectBuffer buffer, final int offset,
        final int length) {
        frames.add(new Frame(fromNode, groupId, TestFrames.sequence(buffer, offset), length,
            TestFrames.intact(fromNode, groupId, buffer, offset, length)));
        count.incrementAndGet();
    }

    long count() {
        return count.get();
    }

    List<Frame> frames() {
        return List.copyOf(frames);
    }

    List<Frame> from(final int node) {
        return frames.stream().filter(f -> f.from() == node).toList();
    }

    void awaitCount(final long expected, final Duration timeout) {
        await(() -> count() >= expected, timeout, () -> "received " + count() + " of " + expected + " frames");
    }

    static void await(final BooleanSupplier condition, final Duration timeout, final java.util.function.Supplier<String> what) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what.get());
            }
            try {
                Thread.sleep(2);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
