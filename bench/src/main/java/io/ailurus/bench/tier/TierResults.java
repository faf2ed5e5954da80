package io.ailurus.bench.tier;

import java.util.ArrayList;
import java.util.List;

/** Everything one run measured; a figure not measured (the run failed before it) stays null. */
final class TierResults {

    final List<ProduceRun> produceRuns = new ArrayList<>();
    /** Bytes of the read topic's segment objects in the bucket, and of its record values. */
    long segmentBytes;
    long valueBytes;
    RawGetResult raw;
    /** One ranged GET of a chunk at a time, microseconds. */
    org.HdrHistogram.Histogram rawAlone;
    ConsumeRun cold;
    ConsumeRun warm;
    ConsumeRun local;
    FirstRecordProbes.Result ttfrCold;
    FirstRecordProbes.Result ttfrWarm;
    FirstRecordProbes.Result ttfrLocal;
    /** What kept a figure from being measured. */
    final List<String> problems = new ArrayList<>();
    /** Wrong answers from the broker that the bench worked around (the figures stand). */
    final List<String> brokerErrors = new ArrayList<>();
    double loadAtEnd = Double.NaN;

    List<ProduceRun> runs(final boolean tiered) {
        return produceRuns.stream().filter(r -> r.tiered() == tiered).toList();
    }

    /** The median of one kind's MiB/s (of an even count, the mean of the two middle ones), or NaN. */
    double medianMibPerSecond(final boolean tiered) {
        final double[] v = runs(tiered).stream().mapToDouble(ProduceRun::mibPerSecond).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Raw GET throughput in MiB/s of record values: the same objects' bytes scaled to the values they hold. */
    double rawValueMibPerSecond() {
        if (raw == null || segmentBytes <= 0 || valueBytes <= 0) {
            return Double.NaN;
        }
        return raw.mibPerSecond() * valueBytes / (double) segmentBytes;
    }

    boolean complete(final TierBenchOptions options) {
        final boolean produce = !options.runs("produce")
                || !produceRuns.isEmpty() && produceRuns.stream().allMatch(ProduceRun::complete);
        final boolean read = !options.runs("read") || raw != null && cold != null && cold.complete()
                && warm != null && warm.complete() && local != null && local.complete();
        final boolean probe = !options.runs("probe") || ok(ttfrCold) && ok(ttfrWarm) && ok(ttfrLocal);
        return problems.isEmpty() && produce && read && probe;
    }

    private static boolean ok(final FirstRecordProbes.Result r) {
        return r != null && r.failures() == 0 && r.micros().getTotalCount() > 0;
    }
}
