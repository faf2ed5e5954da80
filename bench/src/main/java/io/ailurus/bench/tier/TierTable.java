package io.ailurus.bench.tier;

import io.ailurus.bench.broker.Sizes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The results side by side, with targets and ratios: as text for the console and as Markdown for the file. */
final class TierTable {

    /** The produce target: tiering on ≥ this fraction of tiering off. */
    static final double PRODUCE_TARGET = 0.90;
    /** The cold read target: ≥ this fraction of the raw GET throughput. */
    static final double COLD_TARGET = 0.70;

    private record Row(String figure, String value, String target, String ratio, String verdict) {
    }

    private TierTable() {
    }

    private static List<Row> rows(final TierBenchOptions o, final TierResults r) {
        final List<Row> rows = new ArrayList<>();
        final double off = r.medianMibPerSecond(false);
        final double on = r.medianMibPerSecond(true);
        final String shape = String.format("acks=all, %d partitions, %d B records", o.partitions(), o.recordBytes());
        rows.add(new Row("produce MiB/s, tiering off (" + shape + ")", mibs(off) + rounds(r, false), "", "", ""));
        rows.add(new Row("produce MiB/s, tiering on (same broker, remote.storage.enable=true)", mibs(on) + rounds(r, true),
                String.format(">= %.2f x off (overhead <= %.0f %%)", PRODUCE_TARGET, 100 * (1 - PRODUCE_TARGET)),
                ratio(on, off), verdict(on / off >= PRODUCE_TARGET, on, off)));
        final List<ProduceRun> offRuns = r.runs(false);
        final List<ProduceRun> onRuns = r.runs(true);
        if (!offRuns.isEmpty() && !onRuns.isEmpty()) {
            final double offCpu = secondsPerGib(offRuns, x -> x.cpu().brokerNanos());
            final double onCpu = secondsPerGib(onRuns, x -> x.cpuWithDrain().brokerNanos());
            rows.add(new Row("broker CPU s/GiB produced, off / on (all runs; on: until the bucket caught up)",
                    String.format("%.1f / %.1f", offCpu, onCpu), "", ratio(onCpu, offCpu), ""));
            rows.add(new Row("S3 server CPU s/GiB produced, tiering on (the uploads)",
                    String.format("%.1f", secondsPerGib(onRuns, x -> x.cpuWithDrain().s3Nanos())), "", "", ""));
            rows.add(new Row("not in the bucket when a tiered run ended; caught up after", onRuns.stream()
                    .map(x -> String.format("%.0f MiB; %s", Sizes.mib(x.notTieredBytes()), x.drainNanos() < 0 ? "NEVER"
                            : String.format("%.1f s", x.drainNanos() / 1e9)))
                    .collect(Collectors.joining(" / ")), "", "", ""));
        }
        final double raw = r.rawValueMibPerSecond();
        if (r.raw != null) {
            rows.add(new Row(String.format("raw GET MiB/s of the read topic's objects (%d KiB ranged GETs, %d in flight)",
                    r.raw.chunkBytes() / 1024, r.raw.concurrency()),
                    String.format("%.1f (%.1f MiB/s of segment bytes)", raw, r.raw.mibPerSecond()), "", "1.00", ""));
        }
        final double local = r.local == null ? Double.NaN : r.local.mibPerSecond();
        if (r.cold != null) {
            final double cold = r.cold.mibPerSecond();
            rows.add(new Row(String.format("consume MiB/s from the bucket, cold cache (%.0f MiB, %d partitions)",
                    Sizes.mib(r.cold.bytes()), o.partitions()), mibs(cold) + incomplete(r.cold),
                    String.format(">= %.2f x raw GET", COLD_TARGET), ratio(cold, raw),
                    verdict(cold / raw >= COLD_TARGET && r.cold.complete(), cold, raw)));
        }
        if (r.warm != null) {
            final double warm = r.warm.mibPerSecond();
            rows.add(new Row("consume MiB/s from the bucket, warm cache (the same read again)",
                    mibs(warm) + incomplete(r.warm), "", ratio(warm, raw) + " x raw, " + ratio(warm, local) + " x local",
                    ""));
        }
        if (r.local != null) {
            rows.add(new Row("consume MiB/s, local log (the same data, tiering off)", mibs(local) + incomplete(r.local),
                    "", ratio(local, raw) + " x raw", ""));
        }
        addProbes(rows, "time to first record, cold remote fetch (fresh consumer, chunk not cached)", r.ttfrCold);
        addProbes(rows, "time to first record, warm remote fetch (the same offsets again)", r.ttfrWarm);
        addProbes(rows, "time to first record, local log (random offsets)", r.ttfrLocal);
        if (r.raw != null) {
            if (r.rawAlone != null && r.rawAlone.getTotalCount() > 0) {
                rows.add(new Row(String.format("raw ranged GET of one %d KiB chunk, alone, p50 / p99 ms",
                        r.raw.chunkBytes() / 1024), String.format("%.1f / %.1f",
                        r.rawAlone.getValueAtPercentile(50) / 1e3, r.rawAlone.getValueAtPercentile(99) / 1e3), "", "", ""));
            }
            rows.add(new Row(String.format("raw ranged GET of one %d KiB chunk, %d in flight, p50 / p99 ms",
                    r.raw.chunkBytes() / 1024, r.raw.concurrency()),
                    String.format("%.1f / %.1f", r.raw.latencyMicros().getValueAtPercentile(50) / 1e3,
                            r.raw.latencyMicros().getValueAtPercentile(99) / 1e3), "", "", ""));
        }
        return rows;
    }

    private static void addProbes(final List<Row> rows, final String figure, final FirstRecordProbes.Result p) {
        if (p == null) {
            return;
        }
        rows.add(new Row(figure + ", p50 / p99 ms", String.format("%.1f / %.1f (%d probes%s)", p.p50Ms(), p.p99Ms(),
                p.micros().getTotalCount(), p.failures() == 0 ? "" : ", " + p.failures() + " FAILED"), "", "", ""));
    }

    static String text(final TierBenchOptions o, final TierResults r) {
        final List<Row> rows = rows(o, r);
        final int w0 = Math.max(6, rows.stream().mapToInt(x -> x.figure().length()).max().orElse(0));
        final int w1 = Math.max(5, rows.stream().mapToInt(x -> x.value().length()).max().orElse(0));
        final int w2 = Math.max(6, rows.stream().mapToInt(x -> x.target().length()).max().orElse(0));
        final int w3 = Math.max(5, rows.stream().mapToInt(x -> x.ratio().length()).max().orElse(0));
        final String format = "%-" + w0 + "s  %-" + w1 + "s  %-" + w2 + "s  %-" + w3 + "s  %s%n";
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(format, "figure", "value", "target", "ratio", ""));
        sb.append("-".repeat(w0 + w1 + w2 + w3 + 14)).append('\n');
        for (final Row row : rows) {
            sb.append(String.format(format, row.figure(), row.value(), row.target(), row.ratio(), row.verdict()));
        }
        return sb.toString();
    }

    static String markdown(final TierBenchOptions o, final TierResults r, final RunInfo info) {
        final StringBuilder sb = new StringBuilder();
        sb.append("# TierBench results\n\n");
        sb.append("- **Command** (repository root, after building ailurus and the bench):\n\n  ```sh\n  ")
                .append(info.command()).append("\n  ```\n");
        sb.append("- **Date**: ").append(info.date()).append('\n');
        sb.append("- **Commit**: ").append(info.commit()).append('\n');
        sb.append("- **Machine**: ").append(info.machine()).append(String.format(
                "; load average %.2f at the start, %.2f at the end%n", info.loadAtStart(), r.loadAtEnd));
        sb.append(String.format("- **Setup**: one ailurus node (-Xmx%s) with tiered storage on, S3Mock in its own JVM "
                        + "(-Xmx%s, objects in %s); %d partitions, segment.bytes %s, %d B records, cache chunks %d KiB, "
                        + "cache %s; upload interval %s, retention check every %s; %d produce round(s) of %.0f s, "
                        + "tiered produce topic local.retention.bytes %d; read topics %d MiB%n",
                o.brokerHeap(), o.s3Heap(), o.s3Dir(), o.partitions(), size(o.segmentBytes()), o.recordBytes(),
                o.chunkBytes() / 1024, size(o.cacheBytes()), o.uploadInterval(), o.retentionCheckInterval(),
                o.produceRounds(), o.produceSeconds(), o.produceLocalRetention(), o.topicBytes() >> 20));
        sb.append("- **Complete**: ").append(r.complete(o) ? "yes" : "NO: " + String.join("; ", r.problems.isEmpty()
                ? List.of("a phase did not finish (see the console output)") : r.problems)).append('\n');
        for (final String e : r.brokerErrors) {
            sb.append("- **Broker error**: ").append(e).append('\n');
        }
        sb.append('\n');
        sb.append("| figure | value | target | ratio | |\n|---|---|---|---|---|\n");
        for (final Row row : rows(o, r)) {
            sb.append("| ").append(row.figure()).append(" | ").append(row.value()).append(" | ")
                    .append(row.target().replace(">=", "≥").replace("<=", "≤")).append(" | ").append(row.ratio())
                    .append(" | ").append(row.verdict().isEmpty() ? "" : "**" + row.verdict() + "**").append(" |\n");
        }
        sb.append("\nMiB/s of consumption are MiB of record values per second; the raw GET figure is scaled to the same "
                + "unit (its segment bytes per second times values / segment bytes of the topic), so its ratio is the "
                + "raw time over the consume time for the same data. See bench/README.md, section TierBench.\n");
        return sb.toString();
    }

    /** CPU seconds per GiB produced over several runs: their CPU summed over their bytes summed; NaN if unknown. */
    private static double secondsPerGib(final List<ProduceRun> runs, final java.util.function.ToLongFunction<ProduceRun> cpu) {
        long nanos = 0;
        long bytes = 0;
        for (final ProduceRun run : runs) {
            final long n = cpu.applyAsLong(run);
            if (n < 0) {
                return Double.NaN;
            }
            nanos += n;
            bytes += run.result().bytes();
        }
        return CpuSample.secondsPerGib(nanos, bytes);
    }

    private static String rounds(final TierResults r, final boolean tiered) {
        final List<ProduceRun> runs = r.runs(tiered);
        return runs.size() <= 1 ? "" : " (runs " + runs.stream().map(x -> String.format("%.1f", x.mibPerSecond()))
                .collect(Collectors.joining(" / ")) + ")";
    }

    private static String incomplete(final ConsumeRun run) {
        return run.complete() ? "" : " INCOMPLETE";
    }

    private static String mibs(final double v) {
        return Double.isNaN(v) ? "-" : String.format("%.1f", v);
    }

    private static String ratio(final double a, final double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b <= 0 ? "-" : String.format("%.2f", a / b);
    }

    private static String verdict(final boolean met, final double a, final double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? "" : met ? "ok" : "MISS";
    }

    private static String size(final long bytes) {
        return bytes % Sizes.GIB == 0 ? bytes / Sizes.GIB + " GiB" : bytes % Sizes.MIB == 0 ? bytes / Sizes.MIB + " MiB"
                : bytes / Sizes.KIB + " KiB";
    }
}
