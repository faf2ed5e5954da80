package io.ailurus.bench.broker;

import io.ailurus.bench.TempDirs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What must not outlive the benchmark: child broker processes and their data directories (several GiB). A JVM
 * shutdown hook (normal exit, an exception out of main, Ctrl-C, SIGTERM) stops the children that are still running
 * and deletes the directories that are still registered. Every wait is bounded. A SIGKILL of the benchmark cannot be
 * handled: then `pgrep -f io.ailurus.broker.Ailurus` / `pgrep -f kafka.Kafka` find the orphans.
 */
public final class ExitCleanup {

    private static final long TERM_WAIT_SECONDS = 15;

    private static final Set<Process> PROCESSES = new LinkedHashSet<>();
    private static final Set<Path> DIRS = new LinkedHashSet<>();
    private static boolean hooked;

    private ExitCleanup() {
    }

    public static synchronized void register(final Process process) {
        hook();
        PROCESSES.add(process);
    }

    public static synchronized void unregister(final Process process) {
        PROCESSES.remove(process);
    }

    public static synchronized void register(final Path dir) {
        hook();
        DIRS.add(dir);
    }

    public static synchronized void unregister(final Path dir) {
        DIRS.remove(dir);
    }

    private static void hook() {
        if (!hooked) {
            hooked = true;
            Runtime.getRuntime().addShutdownHook(new Thread(ExitCleanup::run, "broker-bench-cleanup"));
        }
    }

    private static void run() {
        final List<Process> processes;
        final List<Path> dirs;
        synchronized (ExitCleanup.class) {
            processes = new ArrayList<>(PROCESSES);
            dirs = new ArrayList<>(DIRS);
        }
        for (final Process p : processes) {
            if (p.isAlive()) {
                System.err.println("broker-bench: stopping child process " + p.pid());
                p.destroy();
            }
        }
        for (final Process p : processes) {
            try {
                if (!p.waitFor(TERM_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(TERM_WAIT_SECONDS, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (final Path dir : dirs) {
            try {
                TempDirs.deleteRecursively(dir);
            } catch (IOException | RuntimeException e) {
                System.err.println("broker-bench: could not delete " + dir + ": " + e);
            }
        }
    }
}
