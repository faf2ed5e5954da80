package io.ailurus.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** HdrHistogram factory and readout: recorded in nanoseconds, reported in microseconds. */
final class Latencies {

    /** Anything slower than this is clamped; a minute-long append would be a failure worth seeing as "60 s". */
    private static final long MAX_NS = TimeUnit.SECONDS.toNanos(60);

    private Latencies() {
    }

    static Histogram newHistogram() {
        // 3 significant digits: 0.1% resolution at any magnitude; the arrays are allocated once, up front.
        return new Histogram(MAX_NS, 3);
    }

    static void record(final Histogram histogram, final long nanos) {
        histogram.recordValue(Math.max(0, Math.min(nanos, MAX_NS)));
    }

    static double micros(final Histogram histogram, final double percentile) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
