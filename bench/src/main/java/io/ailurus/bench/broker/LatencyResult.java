package io.ailurus.bench.broker;

import org.HdrHistogram.Histogram;

/**
 * The fixed-rate phase: a histogram (microseconds) of send() to callback for every record sent after the warm-up,
 * the rate asked for and the rate achieved over the measured window, errors, and CPU over the measured window.
 */
public record LatencyResult(Histogram micros, long targetBytesPerSecond, long records, long bytes, long nanos, long errors,
        CpuUsage cpu) {

    public double percentileMillis(final double percentile) {
        return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double achievedMibPerSecond() {
        return Sizes.mibPerSecond(bytes, nanos);
    }

    /** The sender kept within 5% of the asked rate; otherwise the latencies are those of an overloaded broker. */
    public boolean keptRate() {
        return achievedMibPerSecond() >= 0.95 * Sizes.mib(targetBytesPerSecond);
    }

    @Override
    public String toString() {
        return String.format("p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms at %.1f MiB/s%s (%,d records, "
                        + "%d errors); broker CPU %.0f%%, bench CPU %.0f%%",
                percentileMillis(50), percentileMillis(99), percentileMillis(99.9),
                micros.getTotalCount() == 0 ? Double.NaN : micros.getMaxValue() / 1000.0, achievedMibPerSecond(),
                keptRate() ? "" : " (BEHIND the asked " + Sizes.mib(targetBytesPerSecond) + " MiB/s)",
                records, errors, cpu.brokerPercent(nanos), cpu.benchPercent(nanos));
    }
}
