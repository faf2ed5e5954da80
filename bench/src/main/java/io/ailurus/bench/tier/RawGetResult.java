package io.ailurus.bench.tier;

import io.ailurus.bench.broker.Sizes;
import org.HdrHistogram.Histogram;

/**
 * The raw GET baseline: bytes of segment objects fetched, wall time, GETs, how many were in flight at once, their
 * size, each GET's latency (microseconds), and CPU over the phase.
 */
record RawGetResult(long bytes, long nanos, int gets, int concurrency, int chunkBytes, Histogram latencyMicros,
        CpuSample cpu) {

    double mibPerSecond() {
        return Sizes.mibPerSecond(bytes, nanos);
    }

    @Override
    public String toString() {
        return String.format("%,.0f MiB of segment objects in %.2f s = %.1f MiB/s (%d GETs of %d KiB, %d in flight; "
                        + "GET p50 %.1f ms, p99 %.1f ms); CPU %s",
                Sizes.mib(bytes), nanos / 1e9, mibPerSecond(), gets, chunkBytes / 1024, concurrency,
                latencyMicros.getValueAtPercentile(50) / 1e3, latencyMicros.getValueAtPercentile(99) / 1e3,
                cpu.percentages(nanos));
    }
}
