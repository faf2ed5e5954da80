package io.ailurus.partition.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplicationTransportTest {

    @TempDir
    Path dir;

    private TestTransports transports;

    @BeforeEach
    void setUp() {
        transports = new TestTransports(dir);
    }

    @AfterEach
    void tearDown() {
        transports.close();
    }

    @Test
    void framesOfManyGroupsArriveIntactWithSenderGroupAndPerPairOrder() {
        final List<ReceivedFrames> handlers = List.of(new ReceivedFrames(), new ReceivedFrames(), new ReceivedFrames());
        final List<ReplicationTransport> nodes = List.of(
            transports.start(1, handlers.get(0)), transports.start(2, handlers.get(1)),
            transports.start(3, handlers.get(2)));
        TestTransports.connectAll(nodes);

        final int groups = 500;
        final int rounds = 4;
        long sequence = 0;
        for (int round = 0; round < rounds; round++) {
            for (long group = 0; group < groups; group++) {
                for (final ReplicationTransport from : nodes) {
                    for (final ReplicationTransport to : nodes) {
                        if (from != to) {
                            TestTransports.sendRetrying(from, to.nodeId(), group,
                                TestFrames.body(from.nodeId(), group, sequence, 40 + (int) (group % 200)));
                        }
                    }
                }
                sequence++;
            }
        }

        for (int i = 0; i < nodes.size(); i++) {
            final ReceivedFrames received = handlers.get(i);
            received.awaitCount(2L * groups * rounds, Duration.ofSeconds(30));
            for (final ReplicationTransport from : nodes) {
                if (from == nodes.get(i)) {
                    continue;
                }
                final List<ReceivedFrames.Frame> frames = received.from(from.nodeId());
                assertEquals(groups * rounds, frames.size(), "frames from node " + from.nodeId());
                long expected = 0;
                for (final ReceivedFrames.Frame frame : frames) {
                    assertTrue(frame.intact(), "intact " + frame);
                    assertEquals(expected, frame.sequence(), "order from node " + from.nodeId());
                    assertEquals(expected % groups, frame.groupId(), "group of " + frame);
                    expected++;
                }
            }
        }
    }

    @Test
    void manyCallerThreadsSendingToPeersAndItselfKeepTheirOwnOrder() throws Exception {
        final List<ReceivedFrames> handlers = List.of(new ReceivedFrames(), new ReceivedFrames(), new ReceivedFrames());
        final List<ReplicationTransport> nodes = List.of(
            transports.start(1, handlers.get(0)), transports.start(2, handlers.get(1)),
            transports.start(3, handlers.get(2)));
        TestTransports.connectAll(nodes);

        final int threads = 4;
        final int framesPerTarget = 2000;
        final List<Thread> callers = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final long group = 1000 + t; // one group per caller thread, so order can be checked per group
            callers.add(new Thread(() -> {
                for (int i = 0; i < framesPerTarget; i++) {
                    for (final ReplicationTransport to : nodes) {
                        TestTransports.sendRetrying(nodes.get(0), to.nodeId(), group,
                            TestFrames.body(1, group, i, 16 + i % 300));
                    }
                }
            }, "caller-" + t));
        }
        callers.forEach(Thread::start);
        for (final Thread caller : callers) {
            caller.join(TimeUnit.SECONDS.toMillis(40));
        }

        for (final ReceivedFrames received : handlers) {
            received.awaitCount((long) threads * framesPerTarget, Duration.ofSeconds(30));
            final long[] next = new long[threads];
            for (final ReceivedFrames.Frame frame : received.frames()) {
                assertEquals(1, frame.from());
                assertTrue(frame.intact(), "intact " + frame);
                assertEquals(next[(int) (frame.groupId() - 1000)]++, frame.sequence(), "order of " + frame);
            }
        }
        assertEquals((long) threads * framesPerTarget, nodes.get(0).stats().peer(1).framesReceived(), "to itself");
    }

    @Test
    void fiveNodesInOneJvmExchangeAllToAll() {
        final List<ReceivedFrames> handlers = new java.util.ArrayList<>();
        final List<ReplicationTransport> nodes = new java.util.ArrayList<>();
        for (int node = 1; node <= 5; node++) {
            final ReceivedFrames handler = new ReceivedFrames();
            handlers.add(handler);
            nodes.add(transports.start(node, handler));
        }
        TestTransports.connectAll(nodes);
        final int perPair = 200;
        for (int i = 0; i < perPair; i++) {
            for (final ReplicationTransport from : nodes) {
                for (final ReplicationTransport to : nodes) {
                    TestTransports.sendRetrying(from, to.nodeId(), i, TestFrames.body(from.nodeId(), i, i, 32));
                }
            }
        }
        for (final ReceivedFrames received : handlers) {
            received.awaitCount(5L * perPair, Duration.ofSeconds(30));
            for (final ReplicationTransport from : nodes) {
                final List<ReceivedFrames.Frame> frames = received.from(from.nodeId());
                assertEquals(perPair, frames.size());
                for (int i = 0; i < perPair; i++) {
                    assertEquals(new ReceivedFrames.Frame(from.nodeId(), i, i, 32, true), frames.get(i));
                }
            }
        }
    }

    @Test
    void largeFramesArriveIntactBetweenSmallOnesInOrder() {
        final ReceivedFrames received = new ReceivedFrames();
        final ReplicationTransport a = transports.start(1, (f, g, b, o, l) -> { });
        final ReplicationTransport b = transports.start(2, received);
        TestTransports.connectAll(List.of(a, b));

        final int[] lengths = {100, 1024 * 1024, 50, 4 * 1024 * 1024, 3 * 1024 * 1024 + 17, 8, 2 * 1024 * 1024 - 1, 64};
        for (int i = 0; i < lengths.length; i++) {
            TestTransports.sendRetrying(a, 2, 77 + i, TestFrames.body(1, 77 + i, i, lengths[i]));
        }
        received.awaitCount(lengths.length, Duration.ofSeconds(30));

        final List<ReceivedFrames.Frame> frames = received.frames();
        for (int i = 0; i < lengths.length; i++) {
            final ReceivedFrames.Frame frame = frames.get(i);
            assertEquals(new ReceivedFrames.Frame(1, 77 + i, i, lengths[i], true), frame);
        }
        final PeerStats stats = b.stats().peer(1);
        assertEquals(lengths.length, stats.framesReceived());
        assertTrue(stats.messagesReceived() > lengths.length, "large frames travel as several chunks");
    }

    @Test
    void manySmallFramesToOnePeerAreCoalescedIntoFewerMessages() {
        final ReceivedFrames received = new ReceivedFrames();
        final ReplicationTransport a = transports.start(1, (f, g, b, o, l) -> { });
        final ReplicationTransport b = transports.start(2, received);
        TestTransports.connectAll(List.of(a, b));

        final int heartbeats = 10_000;
        for (int group = 0; group < heartbeats; group++) {
            TestTransports.sendRetrying(a, 2, group, TestFrames.body(1, group, group, 24));
        }
        received.awaitCount(heartbeats, Duration.ofSeconds(30));

        final PeerStats sent = a.stats().peer(2);
        final PeerStats got = b.stats().peer(1);
        System.out.printf("coalescing: %d frames in %d messages sent, %d messages received%n",
            sent.framesSent(), sent.messagesSent(), got.messagesReceived());
        assertEquals(heartbeats, sent.framesSent());
        assertEquals(heartbeats, got.framesReceived());
        // How many frames share a message depends on how far the sender thread lags the caller (6–20 on this box,
        // 6 when CI ran it beside other work); at least 4 on average shows the coalescing without timing luck.
        assertTrue(sent.messagesSent() < heartbeats / 4, "coalesced: " + sent);
        assertEquals(sent.messagesSent(), got.messagesReceived());
        assertTrue(received.frames().stream().allMatch(ReceivedFrames.Frame::intact));
    }

    @Test
    void sendReturnsFalseWhenThePeerQueueIsFullAndCountsIt() {
        final int queueBytes = 64 * 1024;
        final ReplicationTransport a = transports.start(1, (f, g, b, o, l) -> { },
            c -> c.withLimits(4096, 4096, queueBytes));
        // Nobody listens there: offers get NOT_CONNECTED, the data stays queued until the bound.
        a.connect(2, "127.0.0.1", unusedUdpPort());

        final UnsafeBuffer body = TestFrames.body(1, 5, 0, 1000);
        int accepted = 0;
        int acceptedThisRound;
        int rounds = 0;
        do {
            // The sender may swap the filled queue out between rounds (once: it then holds unsendable data).
            acceptedThisRound = 0;
            while (a.send(2, 5, body, 0, body.capacity())) {
                acceptedThisRound++;
                assertTrue(++accepted < 1000, "the queue must be bounded");
            }
            sleepMillis(50);
        } while (acceptedThisRound > 0 && ++rounds < 10);

        assertEquals(0, acceptedThisRound, "full queue stays full while the peer is down");
        final PeerStats stats = a.stats().peer(2);
        assertEquals(rounds + 1, stats.queueFullRejections());
        assertFalse(stats.connected());
        assertTrue(stats.notConnectedEvents() > 0, "offers were refused with NOT_CONNECTED: " + stats);
        // The bound applies to the filling buffer; the sender holds at most one swapped-out buffer besides it.
        assertTrue(stats.queuedBytes() > queueBytes / 2 && stats.queuedBytes() <= 2L * queueBytes,
            "queued " + stats.queuedBytes());
        assertEquals(accepted * (1000L + 12), stats.queuedBytes(), "nothing was dropped");
    }

    private static void sleepMillis(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void sendToANodeThatIsNotConnectedReturnsFalse() {
        final ReplicationTransport a = transports.start(1, (f, g, b, o, l) -> { });
        final UnsafeBuffer body = TestFrames.body(1, 1, 0, 10);
        assertFalse(a.send(9, 1, body, 0, body.capacity()));
        assertEquals(1, a.stats().unknownPeerRejections());
        assertThrows(IllegalArgumentException.class, () -> a.send(9, 1, new UnsafeBuffer(new byte[5 << 20]), 0, 5 << 20));
    }

    @Test
    void framesToItselfLoopThroughMemoryOnTheReceiverThread() {
        final ReceivedFrames received = new ReceivedFrames();
        final Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final ReplicationTransport a = transports.start(4, (f, g, b, o, l) -> {
            threads.add(Thread.currentThread().getName());
            received.onFrame(f, g, b, o, l);
        });
        a.connect(4, "127.0.0.1", a.port());
        for (int i = 0; i < 100; i++) {
            TestTransports.sendRetrying(a, 4, i, TestFrames.body(4, i, i, 100));
        }
        received.awaitCount(100, Duration.ofSeconds(10));
        assertTrue(received.frames().stream().allMatch(ReceivedFrames.Frame::intact));
        assertEquals(Set.of("ailurus-replication-receiver-4"), threads);
        assertEquals(100, a.stats().peer(4).framesSent());
    }

    @Test
    void encoderWritesTheBodyStraightIntoTheQueue() {
        final ReceivedFrames received = new ReceivedFrames();
        final ReplicationTransport a = transports.start(1, (f, g, b, o, l) -> { });
        final ReplicationTransport b = transports.start(2, received);
        TestTransports.connectAll(List.of(a, b));

        final UnsafeBuffer body = TestFrames.body(1, 42, 7, 300);
        assertTrue(a.send(2, 42, 1000, (buffer, offset) -> {
            buffer.putBytes(offset, body, 0, body.capacity());
            return body.capacity();
        }));
        received.awaitCount(1, Duration.ofSeconds(10));
        assertEquals(new ReceivedFrames.Frame(1, 42, 7, 300, true), received.frames().get(0));
    }

    @Test
    void peersCanBeRemovedAndAddedAtRuntime() {
        final ReceivedFrames atB = new ReceivedFrames();
        final ReceivedFrames atC = new ReceivedFrames();
        final ReplicationTransport a = transports.start(1, (f, g, b, o, l) -> { });
        final ReplicationTransport b = transports.start(2, atB);
        final ReplicationTransport c = transports.start(3, atC);
        a.connect(2, "127.0.0.1", b.port());
        TestTransports.awaitLink(a, 2);
        TestTransports.sendRetrying(a, 2, 1, TestFrames.body(1, 1, 0, 16));
        atB.awaitCount(1, Duration.ofSeconds(10));

        a.disconnect(2);
        assertFalse(a.send(2, 1, TestFrames.body(1, 1, 1, 16), 0, 16));
        a.connect(3, "127.0.0.1", c.port());
        TestTransports.awaitLink(a, 3);
        TestTransports.sendRetrying(a, 3, 1, TestFrames.body(1, 1, 0, 16));
        atC.awaitCount(1, Duration.ofSeconds(10));
        assertEquals(1, atB.count());
    }

    @Test
    void aPortInUseFailsTheStartAndReleasesTheDriver() {
        final ReplicationTransport a = transports.start(1, (f, g, b, o, l) -> { });
        final TransportConfig clash = TestTransports.config(dir, 2).withEndpoint("127.0.0.1", a.port());
        assertThrows(RuntimeException.class, () -> ReplicationTransport.start(clash, (f, g, b, o, l) -> { }));
        assertFalse(Files.exists(clash.aeronDir()), "driver dir of the failed start deleted");
    }

    @Test
    void closeStopsItsThreadsAndDeletesTheDriverDirectory() throws Exception {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        final ReplicationTransport a = ReplicationTransport.start(TestTransports.config(dir, 8), (f, g, b, o, l) -> { });
        final ReplicationTransport b = ReplicationTransport.start(TestTransports.config(dir, 9), (f, g, x, o, l) -> { });
        TestTransports.connectAll(List.of(a, b));
        final Path aeronDir = dir.resolve("node-8").resolve("aeron");
        assertTrue(Files.isDirectory(aeronDir));

        a.close();
        b.close();
        a.close(); // idempotent

        assertFalse(Files.exists(aeronDir), "driver dir deleted");
        ReceivedFrames.await(() -> {
            final Map<Thread, Boolean> extra = new HashMap<>();
            for (final Thread thread : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(thread) && thread.isAlive()) {
                    extra.put(thread, true);
                }
            }
            return extra.isEmpty();
        }, Duration.ofSeconds(10), () -> "threads left: " + Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !before.contains(t)).map(Thread::getName).toList());
        assertThrows(IllegalStateException.class, () -> a.connect(9, "127.0.0.1", 1));
    }

    private static int unusedUdpPort() {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0)) {
            return socket.getLocalPort();
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
