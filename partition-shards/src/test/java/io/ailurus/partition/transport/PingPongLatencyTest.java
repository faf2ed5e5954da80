package io.ailurus.partition.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trips between two transports (two embedded drivers, loopback UDP) with the default idle settings. Prints the
 * numbers and the idle CPU; asserts only that every ping came back (timing assertions would flake on a shared box).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PingPongLatencyTest {

    private static final long GROUP = 3;
    private static final int BODY_LENGTH = 64;

    @TempDir
    Path dir;

    @Test
    void pingPongRoundTrips() throws Exception {
        try (TestTransports transports = new TestTransports(dir)) {
            final Pinger pinger = new Pinger();
            // -Dtransport.driverParkUs=N tries another driver park time (the latency / idle CPU trade-off).
            final long parkUs = Long.getLong("transport.driverParkUs", 0);
            final java.util.function.UnaryOperator<TransportConfig> park = c -> parkUs == 0 ? c
                : c.withIdle(TimeUnit.MICROSECONDS.toNanos(parkUs), c.agentIdleMaxParkNs());
            final ReplicationTransport a = transports.start(1, pinger, park);
            final ReplicationTransport b = transports.start(2, (from, group, buffer, offset, length) -> {
                if (buffer.getLong(offset) < 0) {
                    return; // a bulk frame: counted, not echoed
                }
                while (!transports.started(2).send(from, group, buffer, offset, length)) {
                    Thread.onSpinWait();
                }
            }, park);
            System.out.printf("driver idle park %d us%n", TimeUnit.NANOSECONDS.toMicros(a.config().idleMaxParkNs()));
            pinger.transport = a;
            TestTransports.connectAll(List.of(a, b));

            // Back to back: each pong sends the next ping from the receiver thread, so the link never idles.
            pinger.run(2_000, 0);
            final long[] busy = pinger.run(20_000, 0);
            print("back-to-back", busy);

            // Idle peer: one ping every 5 ms, so every thread on the path has backed off to its longest park.
            final long[] idle = pinger.run(400, TimeUnit.MILLISECONDS.toNanos(5));
            print("idle link (1 ping / 5 ms)", idle);

            throughput(a, b);

            final double idleCpu = idleCpuPercent(Duration.ofSeconds(3));
            System.out.printf("idle CPU of this JVM with 2 transports: %.1f%% of one core%n", idleCpu);
            assertEquals(0, a.stats().handlerErrors());
        }
    }

    /** One-way bulk transfer of 64 KiB frames (AppendEntries-sized), with the default 128 KiB receiver window. */
    private void throughput(final ReplicationTransport a, final ReplicationTransport b) {
        final int frames = 2000;
        final UnsafeBuffer body = new UnsafeBuffer(new byte[64 * 1024]);
        body.putLong(0, 0);
        body.putLong(8, System.nanoTime());
        final long receivedBefore = b.stats().peer(1).framesReceived();
        final long startNs = System.nanoTime();
        for (int i = 0; i < frames; i++) {
            body.putLong(0, -1); // B does not echo negative sequences
            TestTransports.sendRetrying(a, 2, GROUP, body);
        }
        ReceivedFrames.await(() -> b.stats().peer(1).framesReceived() - receivedBefore >= frames,
            Duration.ofSeconds(60), () -> "bulk frames");
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        System.out.printf("bulk: %d frames of 64 KiB in %.2f s = %.0f MiB/s one way (sender back-pressure events %d)%n",
            frames, seconds, frames / 16.0 / seconds, a.stats().peer(2).backPressureEvents());
    }

    private static void print(final String what, final long[] roundTripsNs) {
        final long[] sorted = roundTripsNs.clone();
        Arrays.sort(sorted);
        System.out.printf("ping-pong %s, %d round trips: RTT p50 %d us, p90 %d us, p99 %d us, max %d us"
                + " (one way ~ p50 %d us, p99 %d us)%n",
            what, sorted.length, micros(sorted, 0.50), micros(sorted, 0.90), micros(sorted, 0.99),
            sorted[sorted.length - 1] / 1000, micros(sorted, 0.50) / 2, micros(sorted, 0.99) / 2);
    }

    private static long micros(final long[] sorted, final double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)))] / 1000;
    }

    /** CPU of the whole JVM over an idle window, as % of one core; prints the threads that used the most. */
    private static double idleCpuPercent(final Duration window) throws InterruptedException {
        final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final java.util.Map<Long, Long> threadCpuBefore = new java.util.HashMap<>();
        for (final long id : threads.getAllThreadIds()) {
            threadCpuBefore.put(id, threads.getThreadCpuTime(id));
        }
        final long cpuBefore = os.getProcessCpuTime();
        final long wallBefore = System.nanoTime();
        Thread.sleep(window.toMillis());
        final long wallNs = System.nanoTime() - wallBefore;
        final double percent = 100.0 * (os.getProcessCpuTime() - cpuBefore) / wallNs;
        final StringBuilder top = new StringBuilder();
        for (final long id : threads.getAllThreadIds()) {
            final Long before = threadCpuBefore.get(id);
            final java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
            final long used = before == null || info == null ? 0 : threads.getThreadCpuTime(id) - before;
            if (used * 100.0 / wallNs >= 0.5) {
                top.append(String.format(" %s=%.1f%%", info.getThreadName(), used * 100.0 / wallNs));
            }
        }
        System.out.println("idle CPU by thread:" + top);
        return percent;
    }

    /** Sends pings carrying their send time and records the round trip when the echo returns. */
    private static final class Pinger implements FrameHandler {
        volatile ReplicationTransport transport;
        private final UnsafeBuffer ping = new UnsafeBuffer(new byte[BODY_LENGTH]);
        private final UnsafeBuffer next = new UnsafeBuffer(new byte[BODY_LENGTH]);
        private long[] samples;
        private final AtomicInteger received = new AtomicInteger();
        private volatile boolean chained;
        private volatile CountDownLatch done;

        long[] run(final int count, final long spacingNs) throws InterruptedException {
            samples = new long[count];
            received.set(0);
            chained = spacingNs == 0;
            done = new CountDownLatch(1);
            if (chained) {
                send(ping, 0);
            } else {
                for (int i = 0; i < count; i++) {
                    final int before = received.get();
                    send(ping, i);
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (received.get() == before) {
                        assertTrue(System.nanoTime() < deadline, "pong " + i + " never came");
                        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(spacingNs);
                }
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "round trips done: " + received.get());
            return samples;
        }

        private void send(final UnsafeBuffer buffer, final long sequence) {
            buffer.putLong(0, sequence);
            buffer.putLong(8, System.nanoTime());
            assertTrue(transport.send(2, GROUP, buffer, 0, BODY_LENGTH));
        }

        @Override
        public void onFrame(final int fromNode, final long groupId, final org.agrona.DirectBuffer buffer,
            final int offset, final int length) {
            final long rttNs = System.nanoTime() - buffer.getLong(offset + 8);
            final int index = (int) buffer.getLong(offset);
            samples[index] = rttNs;
            final int count = received.incrementAndGet();
            if (count == samples.length) {
                done.countDown();
            } else if (chained) {
                send(next, index + 1);
            }
        }
    }
}
