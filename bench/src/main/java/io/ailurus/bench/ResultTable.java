package io.ailurus.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/** Prints the results table and the log-versus-raw ratios the issue sets targets for. */
final class ResultTable {

    static final double TARGET_NO_FSYNC = 0.85;
    static final double TARGET_GROUP_COMMIT = 0.70;

    private ResultTable() {
    }

    static void print(final List<ModeSummary> summaries, final PrintStream out) {
        out.println();
        out.println("Each row is the mode's median round by MiB/s (all rounds' MiB/s in the last column).");
        out.println("p50/p99/max = latency until the batch is durable for the fsync modes (b1, b2, d, e), until append");
        out.println("returned otherwise (a, c); call = the append/write call alone. MiB = 2^20 bytes of record batches.");
        out.println();
        final String header = String.format("%-3s %-18s %8s %8s %9s %9s %10s %9s %9s %7s  %s",
                "id", "mode", "MiB", "MiB/s", "p50 us", "p99 us", "max us", "call p50", "call p99", "fsyncs",
                "MiB/s per round");
        out.println(header);
        out.println("-".repeat(header.length() + 4));
        for (final ModeSummary summary : summaries) {
            final ModeResult r = summary.median();
            final RunStats s = r.stats();
            out.printf("%-3s %-18s %8.1f %8.1f %9.1f %9.1f %10.1f %9.1f %9.1f %7d  %s%n", r.mode().id(),
                    r.mode().label(), s.bytes() / (double) BenchOptions.MIB, s.mibPerSecond(),
                    Latencies.micros(s.ackNs(), 50), Latencies.micros(s.ackNs(), 99), s.ackNs().getMaxValue() / 1000.0,
                    Latencies.micros(s.callNs(), 50), Latencies.micros(s.callNs(), 99), s.syncs(),
                    summary.allRates());
        }
        out.println();
        ratio(summaries, Mode.LOG, Mode.RAW, TARGET_NO_FSYNC, out);
        ratio(summaries, Mode.LOG_FLUSH_1MS, Mode.RAW_FORCE_1MS, TARGET_GROUP_COMMIT, out);
        ratio(summaries, Mode.LOG_FLUSH_BATCH, Mode.RAW_FORCE_BATCH, Double.NaN, out);
    }

    private static void ratio(final List<ModeSummary> summaries, final Mode log, final Mode raw, final double target,
            final PrintStream out) {
        final Optional<ModeSummary> l = find(summaries, log);
        final Optional<ModeSummary> r = find(summaries, raw);
        if (l.isEmpty() || r.isEmpty()) {
            return;
        }
        final double ratio = l.get().median().stats().mibPerSecond() / r.get().median().stats().mibPerSecond();
        final String verdict = Double.isNaN(target) ? "(no target)"
                : String.format("target >= %.0f%%: %s", target * 100, ratio >= target ? "MET" : "NOT MET");
        out.printf("(%s)/(%-2s) %-18s / %-18s = %6.1f%%   %s%n", log.id(), raw.id(), log.label(), raw.label(),
                ratio * 100, verdict);
    }

    private static Optional<ModeSummary> find(final List<ModeSummary> summaries, final Mode mode) {
        return summaries.stream().filter(x -> x.mode().equals(mode)).findFirst();
    }
}
