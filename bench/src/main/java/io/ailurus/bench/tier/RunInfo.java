package io.ailurus.bench.tier;

import io.ailurus.bench.broker.MachineInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What a run was: the command that reproduces it, when, on which commit, on what machine. */
record RunInfo(String command, String date, String commit, String machine, double loadAtStart) {

    static RunInfo collect(final TierBenchOptions options) {
        final StringBuilder command = new StringBuilder(
                "java -cp \"$(cat bench/target/classpath.txt):bench/target/classes\" " + TierBench.class.getName());
        for (final String a : options.args()) {
            command.append(' ').append(a.matches("[A-Za-z0-9_./:=,+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        final String head = git(options.ailurusHome(), "rev-parse", "HEAD");
        final String status = git(options.ailurusHome(), "status", "--porcelain", "--untracked-files=no");
        final String commit = head == null ? "unknown (not a git checkout)"
                : head + (status == null || status.isEmpty() ? "" : " with uncommitted changes in the working tree");
        return new RunInfo(command.toString(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), commit,
                MachineInfo.describe(), MachineInfo.loadAverage());
    }

    private static String git(final Path dir, final String... args) {
        try {
            final Process p = new ProcessBuilder(concat(dir, args)).redirectErrorStream(true).start();
            final byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static List<String> concat(final Path dir, final String... args) {
        final java.util.ArrayList<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
