package io.ailurus.bench.tier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a JVM's CPU time goes, by thread: {@code jcmd <pid> Thread.print} lists every thread (Java and VM threads)
 * with its CPU time so far ({@code cpu=12.34ms}); two snapshots give each thread's share of a phase. Threads are
 * grouped by name with their numbers taken out ({@code ailurus-pekko.actor.default-dispatcher-#}). A diagnostic
 * ({@code --thread-cpu}): each snapshot stops the JVM at a safepoint for a moment, so it is off by default.
 */
final class ThreadCpu {

    private static final Pattern THREAD = Pattern.compile("^\"(.+?)\".*?\\bcpu=([0-9.]+)ms");
    private static final Pattern NUMBERS = Pattern.compile("[0-9]+");

    private final Map<String, Double> msByGroup;

    private ThreadCpu(final Map<String, Double> msByGroup) {
        this.msByGroup = msByGroup;
    }

    /** A snapshot, or an empty one if jcmd could not be run. */
    static ThreadCpu of(final long pid) {
        final Map<String, Double> groups = new HashMap<>();
        try {
            final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            for (final String line : out.split("\n")) {
                final Matcher m = THREAD.matcher(line);
                if (m.find()) {
                    groups.merge(NUMBERS.matcher(m.group(1)).replaceAll("#"), Double.parseDouble(m.group(2)),
                            Double::sum);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no jcmd: an empty snapshot
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ThreadCpu(groups);
    }

    /**
     * The {@code top} groups that used the most CPU since {@code earlier}, as "name 1234 ms" lines. Threads that
     * ended between the snapshots are missing (their time is lost).
     */
    String topSince(final ThreadCpu earlier, final int top) {
        final Map<String, Double> diff = new HashMap<>();
        msByGroup.forEach((name, ms) -> diff.put(name, ms - earlier.msByGroup.getOrDefault(name, 0.0)));
        final double total = diff.values().stream().mapToDouble(Double::doubleValue).filter(v -> v > 0).sum();
        final List<Map.Entry<String, Double>> sorted = diff.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top).toList();
        return String.format("threads, CPU ms (total %.0f):%n", total) + sorted.stream()
                .map(e -> String.format("      %8.0f  %s", e.getValue(), e.getKey()))
                .collect(Collectors.joining("\n"));
    }
}
