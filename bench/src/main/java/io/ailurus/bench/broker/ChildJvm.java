package io.ailurus.bench.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Java process started by the benchmark, with its stdout and stderr appended to a log file. Registered with
 * {@link ExitCleanup} while it runs, so it never outlives the benchmark. Every wait is bounded.
 */
public final class ChildJvm {

    private final String name;
    private final Process process;
    private final Path logFile;

    private ChildJvm(final String name, final Process process, final Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /** The {@code java} of the JVM that runs the benchmark. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts {@code java <jvmArgs> -cp <classpath> <mainClass> <args>} in {@code workDir}. */
    public static ChildJvm start(final String name, final List<String> jvmArgs, final String classpath,
            final String mainClass, final List<String> args, final Path workDir, final Path logFile)
            throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        final Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        ExitCleanup.register(process);
        return new ChildJvm(name, process, logFile);
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Fails if the process has exited. */
    public void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + ", see " + logFile);
        }
    }

    /** Waits until {@code port} on 127.0.0.1 accepts connections, failing if the process exits or time runs out. */
    public void awaitPort(final int port, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            checkAlive();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(name + " did not open port " + port + " within " + timeout.toSeconds()
                + " s, see " + logFile);
    }

    /** Waits for the process to exit by itself (a one-shot tool); returns its exit code, or kills it on timeout. */
    public int awaitExit(final Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s, see "
                    + logFile);
        }
        ExitCleanup.unregister(process);
        return process.exitValue();
    }

    /**
     * SIGTERM (the broker's clean shutdown), then SIGKILL if it has not exited within {@code grace}. If interrupted,
     * kills the process at once and keeps the interrupt; a process still alive then stays with {@link ExitCleanup}.
     */
    public void stop(final Duration grace) {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    System.out.printf("  %s ignored SIGTERM for %d s: killing it%n", name, grace.toSeconds());
                    kill();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (!process.isAlive()) {
            ExitCleanup.unregister(process);
        }
    }

    /** SIGKILL (kill -9), then a bounded wait for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
