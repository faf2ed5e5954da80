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

    static void print(final List<ModeResult> results, final PrintStream out) {
        out.println();
        out.println("latency = until durable for fsync modes (b1, b2, d, e), until append returned otherwise (a, c);");
        out.println("call    = the append/write call alone; MiB = 2^20 bytes of record batches");
        out.println();
        final String header = String.format("%-3s %-18s %9s %9s %10s %10s %10s %10s %8s",
                "id", "mode", "MiB", "MiB/s", "p50 us", "p99 us", "call p50", "call p99", "fsyncs");
        out.println(header);
        out.println("-".repeat(header.length()));
        for (final ModeResult r : results) {
            final RunStats s = r.stats();
            out.printf("%-3s %-18s %9.1f %9.1f %10.1f %10.1f %10.1f %10.1f %8d%n", r.mode().id(), r.mode().label(),
                    s.bytes() / (double) BenchOptions.MIB, s.mibPerSecond(),
                    Latencies.micros(s.ackNs(), 50), Latencies.micros(s.ackNs(), 99),
                    Latencies.micros(s.callNs(), 50), Latencies.micros(s.callNs(), 99), s.syncs());
        }
        out.println();
        ratio(results, Mode.LOG, Mode.RAW, TARGET_NO_FSYNC, out);
        ratio(results, Mode.LOG_FLUSH_1MS, Mode.RAW_FORCE_1MS, TARGET_GROUP_COMMIT, out);
        ratio(results, Mode.LOG_FLUSH_BATCH, Mode.RAW_FORCE_BATCH, Double.NaN, out);
    }

    private static void ratio(final List<ModeResult> results, final Mode log, final Mode raw, final double target,
            final PrintStream out) {
        final Optional<ModeResult> l = find(results, log);
        final Optional<ModeResult> r = find(results, raw);
        if (l.isEmpty() || r.isEmpty()) {
            return;
        }
        final double ratio = l.get().stats().mibPerSecond() / r.get().stats().mibPerSecond();
        final String verdict = Double.isNaN(target) ? "(no target)"
                : String.format("target >= %.0f%%: %s", target * 100, ratio >= target ? "MET" : "NOT MET");
        out.printf("(%s) / (%s)  %-18s / %-18s = %6.1f%%   %s%n", log.id(), raw.id(), log.label(), raw.label(),
                ratio * 100, verdict);
    }

    private static Optional<ModeResult> find(final List<ModeResult> results, final Mode mode) {
        return results.stream().filter(x -> x.mode().equals(mode)).findFirst();
    }
}
