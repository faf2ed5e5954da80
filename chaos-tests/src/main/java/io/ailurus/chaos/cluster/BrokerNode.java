package io.ailurus.chaos.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** One broker's process across its incarnations: start, SIGKILL, SIGSTOP/SIGCONT, restart. */
public final class BrokerNode {

    private final NodeSpec spec;
    private final List<String> command;
    private final long runStartNs;
    private final List<String> unexpectedExits = new CopyOnWriteArrayList<>();
    private volatile Process process;
    private volatile boolean exitExpected;
    private volatile boolean paused;

    BrokerNode(final NodeSpec spec, final List<String> command, final long runStartNs) {
        this.spec = spec;
        this.command = List.copyOf(command);
        this.runStartNs = runStartNs;
    }

    public NodeSpec spec() {
        return spec;
    }

    public int id() {
        return spec.id();
    }

    /** Starts a new incarnation and waits until its Kafka port accepts connections. */
    public synchronized void start(final Duration timeout) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        exitExpected = false;
        paused = false;
        final Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                .start();
        process = p;
        p.onExit().thenAccept(done -> {
            if (!exitExpected && done == process) {
                unexpectedExits.add("node " + spec.id() + " (pid " + done.pid() + ") exited with " + done.exitValue()
                        + " at " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - runStartNs) + " ms");
            }
        });
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("node " + spec.id() + " exited with " + p.exitValue() + ", see " + spec.logFile());
            }
            if (serving(1000)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("node " + spec.id() + " did not open " + spec.bootstrap() + " within " + timeout);
    }

    /**
     * True when the node answers an ApiVersions request. An open port is not enough: the broker binds its listener
     * early in startup but reads requests only once every partition is open, which takes seconds after a crash.
     */
    public boolean serving(final int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(spec.host(), spec.kafkaPort()), timeoutMs);
            s.setSoTimeout(timeoutMs);
            final byte[] clientId = "chaos-probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            final java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
            out.writeInt(2 + 2 + 4 + 2 + clientId.length);
            out.writeShort(18);   // ApiVersions
            out.writeShort(0);    // v0: request header v1, empty body
            out.writeInt(1);      // correlation id
            out.writeShort(clientId.length);
            out.write(clientId);
            out.flush();
            final java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            final int size = in.readInt();
            return size >= 4 && in.readInt() == 1;
        } catch (IOException e) {
            return false;
        }
    }

    public boolean reachable(final int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(spec.host(), spec.kafkaPort()), timeoutMs);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL: no shutdown hook, no flush. */
    public synchronized void kill() throws InterruptedException {
        final Process p = process;
        if (p == null) {
            return;
        }
        exitExpected = true;
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node " + spec.id() + " survived SIGKILL for 30 s");
        }
        paused = false;
    }

    public synchronized void pause() {
        signal("STOP");
        paused = true;
    }

    public synchronized void resume() {
        if (paused) {
            signal("CONT");
            paused = false;
        }
    }

    private void signal(final String sig) {
        final Process p = process;
        if (p != null && p.isAlive()) {
            Shell.check("kill", "-" + sig, Long.toString(p.pid()));
        }
    }

    public boolean alive() {
        final Process p = process;
        return p != null && p.isAlive();
    }

    public List<String> unexpectedExits() {
        return List.copyOf(unexpectedExits);
    }
}
