package io.ailurus.bench.broker;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the run was measured on: CPU model and count, memory, kernel, JVM, load. */
public final class MachineInfo {

    private MachineInfo() {
    }

    public static String describe() {
        return String.format("%d cpus (%s), %s memory, %s %s, Java %s (%s)", Runtime.getRuntime().availableProcessors(),
                cpuModel(), memTotal(), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
    }

    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String cpuModel() {
        return procLine(Path.of("/proc/cpuinfo"), "model name");
    }

    private static String memTotal() {
        final String kb = procLine(Path.of("/proc/meminfo"), "MemTotal").replace("kB", "").trim();
        try {
            return String.format("%.1f GiB", Long.parseLong(kb) / (1024.0 * 1024.0));
        } catch (NumberFormatException e) {
            return "?";
        }
    }

    private static String procLine(final Path file, final String key) {
        try {
            final List<String> lines = Files.readAllLines(file);
            for (final String line : lines) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: unknown
        }
        return "?";
    }
}
