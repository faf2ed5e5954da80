package io.ailurus.partition.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Proves the transport works between two JVMs over UDP: node 2 runs {@link EchoNodeMain} in a child process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrossProcessTransportIT {

    /** Java 17 needs these for Agrona/Aeron (DESIGN.md §8). */
    private static final List<String> AERON_JVM_FLAGS = List.of(
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED");

    @TempDir
    Path dir;

    @Test
    void framesGoToAnotherJvmAndComeBackIntact() throws Exception {
        final ReceivedFrames echoed = new ReceivedFrames();
        try (TestTransports transports = new TestTransports(dir)) {
            final ReplicationTransport a = transports.start(1, (from, group, buffer, offset, length) -> {
                // Echoes carry node 1's bodies back from node 2.
                echoed.onFrame(1, group, buffer, offset, length);
            });
            final Process child = launchEchoNode(a.port());
            final List<String> output = new CopyOnWriteArrayList<>();
            try {
                final CompletableFuture<Integer> childPort = readOutput(child, output);
                final int port = childPort.get(60, TimeUnit.SECONDS);
                a.connect(2, "127.0.0.1", port);
                TestTransports.awaitLink(a, 2);

                final int[] lengths = new int[1000];
                for (int i = 0; i < lengths.length; i++) {
                    lengths[i] = i == 500 ? 1024 * 1024 : 16 + i % 1500;
                    TestTransports.sendRetrying(a, 2, i % 50, TestFrames.body(1, i % 50, i, lengths[i]));
                }
                echoed.awaitCount(lengths.length, Duration.ofSeconds(60));

                final List<ReceivedFrames.Frame> frames = echoed.frames();
                for (int i = 0; i < lengths.length; i++) {
                    assertEquals(new ReceivedFrames.Frame(1, i % 50, i, lengths[i], true), frames.get(i));
                }
                assertEquals(lengths.length, a.stats().peer(2).framesReceived());
            } finally {
                child.getOutputStream().close();
                if (!child.waitFor(20, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
                System.out.println("echo node: " + output);
            }
            assertEquals(0, child.exitValue(), "echo node output: " + output);
            assertTrue(Files.notExists(dir.resolve("node-2").resolve("aeron")), "child deleted its driver dir");
        }
    }

    /**
     * Regression test for the chaos soak's finding: a process stalled longer than Aeron's default 10 s liveness
     * timeouts (SIGSTOP, a long GC) used to wake with its Aeron client declared dead, and never replicated again.
     */
    @Test
    void aNodePausedForFifteenSecondsStillEchoesAfterwards() throws Exception {
        final ReceivedFrames echoed = new ReceivedFrames();
        try (TestTransports transports = new TestTransports(dir)) {
            final ReplicationTransport a = transports.start(1, (from, group, buffer, offset, length) ->
                    echoed.onFrame(1, group, buffer, offset, length));
            final Process child = launchEchoNode(a.port());
            final List<String> output = new CopyOnWriteArrayList<>();
            try {
                final int port = readOutput(child, output).get(60, TimeUnit.SECONDS);
                a.connect(2, "127.0.0.1", port);
                TestTransports.awaitLink(a, 2);
                TestTransports.sendRetrying(a, 2, 7, TestFrames.body(1, 7, 0, 64));
                echoed.awaitCount(1, Duration.ofSeconds(30));

                signal(child, "STOP");
                Thread.sleep(15_000);
                signal(child, "CONT");

                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                int sent = 1;
                while (echoed.frames().size() < 2 && System.nanoTime() < deadline) {
                    TestTransports.sendRetrying(a, 2, 7, TestFrames.body(1, 7, sent++, 64));
                    Thread.sleep(200);
                }
                assertTrue(echoed.frames().size() >= 2, "the paused node answers again; its output: " + output);
                assertTrue(output.stream().noneMatch(l -> l.contains("ServiceTimeoutException") || l.contains("DriverTimeout")),
                        "no Aeron liveness failure in the paused node: " + output);
            } finally {
                signal(child, "CONT");
                child.getOutputStream().close();
                if (!child.waitFor(20, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            }
        }
    }

    private static void signal(final Process process, final String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
    }

    private Process launchEchoNode(final int peerPort) throws Exception {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(AERON_JVM_FLAGS);
        command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        command.add(EchoNodeMain.class.getName());
        command.addAll(List.of("2", dir.resolve("node-2").resolve("aeron").toString(), "1", String.valueOf(peerPort)));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Collects the child's output and completes with the port it reports. */
    private static CompletableFuture<Integer> readOutput(final Process child, final List<String> output) {
        final CompletableFuture<Integer> port = new CompletableFuture<>();
        final Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.add(line);
                    if (line.startsWith("PORT ")) {
                        port.complete(Integer.parseInt(line.substring(5).trim()));
                    }
                }
            } catch (final java.io.IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("echo node exited: " + output));
        }, "echo-node-output");
        reader.setDaemon(true);
        reader.start();
        return port;
    }
}
