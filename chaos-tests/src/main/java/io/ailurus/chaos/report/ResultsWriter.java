package io.ailurus.chaos.report;

import io.ailurus.chaos.checker.Anomaly;
import io.ailurus.chaos.checker.CheckResult;
import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.nemesis.FaultWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/** {@code results.txt}: what ran, what was injected, what the checker found; the last line is the verdict. */
public final class ResultsWriter {

    private static final int MAX_LISTED = 20;

    private ResultsWriter() {
    }

    public static String render(final RunSummary s) {
        final StringBuilder b = new StringBuilder();
        b.append("ailurus chaos run\n");
        b.append("profile: ").append(s.profile()).append("   seed: ").append(s.seed())
                .append("   nodes: ").append(s.nodes()).append("   duration: ").append(s.durationMs() / 1000).append(" s\n");
        b.append("network: ").append(s.networkMode()).append('\n');
        b.append("replay:  mvn -B -pl chaos-tests -am verify ... -Dchaos.seed=").append(s.seed())
                .append(" (see chaos-tests/README.md)\n\n");

        b.append("operations (completions)\n");
        final Map<Fn, Map<OpType, Integer>> counts = new TreeMap<>();
        for (final History.Pair p : s.history().pairs()) {
            counts.computeIfAbsent(p.invoke().f(), k -> new EnumMap<>(OpType.class)).merge(p.type(), 1, Integer::sum);
        }
        counts.forEach((f, c) -> b.append(String.format("  %-24s ok %7d   fail %6d   info %6d%n", f.name().toLowerCase(),
                c.getOrDefault(OpType.OK, 0), c.getOrDefault(OpType.FAIL, 0), c.getOrDefault(OpType.INFO, 0))));
        b.append('\n');

        b.append("faults injected: ").append(s.windows().size()).append('\n');
        for (final FaultWindow w : s.windows()) {
            b.append(String.format("  %7.1f s – %7.1f s  %-4s %s%s%n", w.startNs() / 1e9, w.endNs() / 1e9,
                    w.fault().kind().row, w.fault().describe(), w.note().isEmpty() ? "" : "  (" + w.note() + ")"));
        }
        s.nemesisProblems().forEach(p -> b.append("  nemesis problem: ").append(p).append('\n'));
        b.append('\n');

        b.append("final read: ").append(s.finalRead().complete() ? "complete" : "INCOMPLETE")
                .append(" in ").append(s.finalRead().tookMs()).append(" ms; end offsets ")
                .append(new TreeMap<>(s.finalRead().endOffsets())).append('\n');
        final long outside = s.history().pairs().stream().filter(p -> !inFault(s, p.completion().timeNs())).count();
        final long infoOutside = s.history().pairs().stream()
                .filter(p -> p.type() == OpType.INFO && !inFault(s, p.completion().timeNs())).count();
        b.append(String.format("liveness (informational): info ops outside fault windows %d of %d (%.1f %%)%n",
                infoOutside, outside, outside == 0 ? 0.0 : 100.0 * infoOutside / outside));
        final long slow = s.history().pairs(io.ailurus.chaos.history.Fn.SEND).stream()
                .filter(p -> p.completion().timeNs() - p.invoke().timeNs() > 1_000_000_000L)
                .filter(p -> !inFault(s, p.invoke().timeNs())).count();
        b.append("liveness (informational): sends slower than 1 s invoked outside fault windows: ").append(slow)
                .append('\n');

        s.brokerHealth().forEach(h -> b.append("broker health (informational): ").append(h).append('\n'));
        b.append('\n');
        s.tier().ifPresent(t -> tier(b, t));
        s.transform().ifPresent(t -> transform(b, t));
        s.txn().ifPresent(t -> txn(b, t));
        b.append("anomalies (A1–A18, as in chaos-tests/README.md)\n");
        for (final CheckResult r : s.verdict().results()) {
            b.append(String.format("  %-4s %-42s %-11s %d%s%n", r.code(), r.name(), r.status(), r.anomalies().size(),
                    r.note().isEmpty() ? "" : "  (" + r.note() + ")"));
            r.anomalies().stream().limit(MAX_LISTED).forEach(a -> b.append("         ").append(line(a)).append('\n'));
            if (r.anomalies().size() > MAX_LISTED) {
                b.append("         … ").append(r.anomalies().size() - MAX_LISTED).append(" more\n");
            }
        }
        b.append('\n');
        if (!s.finalRead().complete()) {
            b.append("note: the final read did not reach every partition's end; unseen writes may be late, not lost\n");
        }
        b.append(verdictLine(s)).append('\n');
        return b.toString();
    }

    private static void transform(final StringBuilder b, final TransformSummary t) {
        b.append("transform workload (identity, Redpanda Go SDK module; exactly once): ").append(t.acked())
                .append(" acknowledged sends, ").append(t.outputs()).append(" outputs, ").append(t.duplicates())
                .append(" duplicate(s), ").append(t.missingCount()).append(" missing")
                .append(t.missing().isEmpty() ? "" : " " + t.missing()).append(t.complete() ? ": COMPLETE" : ": INCOMPLETE")
                .append('\n');
        t.problems().forEach(pr -> b.append("  transform problem: ").append(pr).append('\n'));
        b.append('\n');
    }

    private static void txn(final StringBuilder b, final TxnSummary t) {
        b.append("transactional workload (Jepsen's txn; ").append(t.producers()).append(" producers to ")
                .append(t.topic()).append(", read_committed copy loop to ").append(t.outputTopic()).append("): ")
                .append(t.complete() ? "COMPLETE" : "INCOMPLETE").append('\n');
        b.append(String.format("  transactions  ok %6d   fail %6d (%d aborted on purpose)   info %6d%n",
                t.transactions().ok(), t.transactions().fail(), t.plannedAborts(), t.transactions().info()));
        b.append(String.format("  their values  ok %6d   fail %6d   info %6d%n", t.values().ok(), t.values().fail(),
                t.values().info()));
        b.append(String.format("  copies        ok %6d   fail %6d   info %6d   (%d values copied by ok copies)%n",
                t.copies().ok(), t.copies().fail(), t.copies().info(), t.copiedValues()));
        for (final TxnSummary.FinalRead r : t.finalReads()) {
            b.append(String.format("  final read %-14s %-16s %s: %d records in %d ms, ends %s%n", r.topic(),
                    r.isolation(), r.complete() ? "complete" : "INCOMPLETE", r.records(), r.tookMs(),
                    new TreeMap<>(r.ends())));
        }
        b.append("  copy loop drained: ").append(t.drained() ? "yes" : "NO").append('\n');
        t.anomalies().forEach((row, n) -> b.append(String.format("  %-40s %d%n", row, n)));
        t.problems().forEach(pr -> b.append("  txn problem: ").append(pr).append('\n'));
        b.append('\n');
    }

    private static void tier(final StringBuilder b, final TierSummary t) {
        b.append("tiered storage: bucket through the fault proxy at ").append(t.endpoint()).append('\n');
        b.append("  settings: ").append(t.settings()).append('\n');
        b.append("  requests to the bucket: ").append(t.requests()).append(", of which ").append(t.faultedRequests())
                .append(" met an injected fault; ").append(t.finalReadRequests())
                .append(" while the final read ran (remote reads that missed the nodes' chunk caches)\n");
        long remote = 0;
        long total = 0;
        for (final Map.Entry<Integer, TierSummary.Share> e : new TreeMap<>(t.shares()).entrySet()) {
            final TierSummary.Share sh = e.getValue();
            remote += sh.remote();
            total += sh.total();
            b.append(String.format("  p%d: log start %d, local log start %d, end %d: %d of %d offsets only in the "
                    + "bucket%n", e.getKey(), sh.logStart(), sh.localStart(), sh.end(), sh.remote(), sh.total()));
        }
        b.append(String.format("final read from the bucket: %.1f %% of offsets (%d of %d below the leaders' local log "
                + "starts, measured just before the final read)%n", 100 * t.remoteShare(), remote, total));
        t.status().forEach(l -> b.append("  tier status (informational) ").append(l).append('\n'));
        t.bucket().forEach(l -> b.append("  bucket (informational) ").append(l).append('\n'));
        t.problems().forEach(l -> b.append("  tier problem: ").append(l).append('\n'));
        b.append('\n');
    }

    public static String verdictLine(final RunSummary s) {
        return s.verdict().valid()
                ? "VERDICT: VALID (no safety anomaly)"
                : "VERDICT: INVALID (" + s.verdict().failures().stream()
                        .map(r -> r.code() + " " + r.name() + " ×" + r.anomalies().size())
                        .reduce((a, c) -> a + ", " + c).orElse("") + ")";
    }

    private static String line(final Anomaly a) {
        return a.description() + (a.opIds().isEmpty() ? "" : "  ops " + a.opIds());
    }

    private static boolean inFault(final RunSummary s, final long ns) {
        return s.windows().stream().anyMatch(w -> ns >= w.startNs() && ns <= w.endNs() + 5_000_000_000L);
    }

    public static void write(final RunSummary s, final Path file) throws IOException {
        Files.writeString(file, render(s));
    }
}
