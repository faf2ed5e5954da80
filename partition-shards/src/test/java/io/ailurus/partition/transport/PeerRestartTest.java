package io.ailurus.partition.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that stops and comes back on the same port receives again, without the sender reconnecting by hand. Frames
 * sent while it was down may be lost (what Aeron already took for the old incarnation) or delivered late (what was
 * still queued); Raft tolerates both, so the test only requires that everything received is intact and in order,
 * and that everything sent once the new incarnation receives arrives.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PeerRestartTest {

    private static final long GROUP = 9;

    @TempDir
    Path dir;

    @Test
    void restartedPeerOnTheSamePortReceivesAgain() {
        try (TestTransports transports = new TestTransports(dir)) {
            final ReceivedFrames first = new ReceivedFrames();
            final ReceivedFrames atA = new ReceivedFrames();
            final ReplicationTransport a = transports.start(1, atA);
            final ReplicationTransport b = transports.start(2, first);
            final int port = b.port();
            TestTransports.connectAll(List.of(a, b));

            long sequence = 0;
            for (; sequence < 100; sequence++) {
                TestTransports.sendRetrying(a, 2, GROUP, TestFrames.body(1, GROUP, sequence, 128));
            }
            first.awaitCount(100, Duration.ofSeconds(10));

            b.close();
            // While the peer is down: sends are accepted until the queue bound, then refused; never an exception.
            int acceptedWhileDown = 0;
            for (int i = 0; i < 200; i++, sequence++) {
                if (a.send(2, GROUP, TestFrames.body(1, GROUP, sequence, 128), 0, 128)) {
                    acceptedWhileDown++;
                }
            }

            final ReceivedFrames second = new ReceivedFrames();
            final ReplicationTransport restarted = transports.start(2, second, c -> c.withEndpoint("127.0.0.1", port));
            restarted.connect(1, "127.0.0.1", a.port());
            // Probe until the new incarnation hears from us: that is when the link is usable again.
            final long probeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (second.count() == 0) {
                assertTrue(System.nanoTime() < probeDeadline, "restarted peer never received");
                a.send(2, GROUP, TestFrames.body(1, GROUP, sequence, 128), 0, 128);
                sequence++;
                sleep(20);
            }
            final long firstAfter = sequence;
            for (int i = 0; i < 500; i++, sequence++) {
                TestTransports.sendRetrying(a, 2, GROUP, TestFrames.body(1, GROUP, sequence, 128));
            }
            final long lastSequence = sequence - 1;
            ReceivedFrames.await(() -> {
                final List<ReceivedFrames.Frame> soFar = second.frames();
                return !soFar.isEmpty() && soFar.get(soFar.size() - 1).sequence() == lastSequence;
            }, Duration.ofSeconds(30), () -> "frames after the restart");

            final List<ReceivedFrames.Frame> frames = second.frames();
            long previous = -1;
            for (final ReceivedFrames.Frame frame : frames) {
                assertTrue(frame.intact(), "intact " + frame);
                assertTrue(frame.sequence() > previous, "in order: " + frame.sequence() + " after " + previous);
                previous = frame.sequence();
            }
            final long afterReconnect = frames.stream().filter(f -> f.sequence() >= firstAfter).count();
            assertEquals(500, afterReconnect, "every frame sent after the reconnect arrives");
            System.out.printf("restart: %d of 200 frames accepted while down, %d of them delivered after restart%n",
                acceptedWhileDown, frames.stream().filter(f -> f.sequence() >= 100 && f.sequence() < 300).count());

            // And the other direction: the new incarnation reaches the node that never went away.
            TestTransports.awaitLink(restarted, 1);
            TestTransports.sendRetrying(restarted, 1, GROUP, TestFrames.body(2, GROUP, 0, 64));
            atA.awaitCount(1, Duration.ofSeconds(10));
            assertEquals(new ReceivedFrames.Frame(2, GROUP, 0, 64, true), atA.frames().get(0));
        }
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
