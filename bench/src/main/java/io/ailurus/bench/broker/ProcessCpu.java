package io.ailurus.bench.broker;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system, all threads) of a child process, from /proc/PID/stat, and of this JVM. With two cores
 * the producer and the broker compete for CPU, so CPU seconds per GiB say more about a broker's cost than its
 * throughput alone. Returns -1 where the figure is not available (not Linux).
 */
public final class ProcessCpu {

    /** USER_HZ: the unit of utime and stime. 100 on every mainstream Linux configuration. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    public static long nanos(final long pid) {
        try {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) state ppid ...": comm may hold spaces, so count fields after the last ')'.
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // After the comm field, state is index 0: utime is field 14 of the whole line, i.e. index 11 here.
            final long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** This JVM's CPU time (the bench's producer or consumer), or -1. */
    public static long self() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
