package io.ailurus.bench.broker;

/**
 * CPU time spent by the broker process and by the benchmark's own JVM (producer or consumer) over a phase. Either
 * is -1 when it could not be read. With two cores, both compete for the same CPUs.
 */
public record CpuUsage(long brokerNanos, long benchNanos) {

    public static CpuUsage now(final long brokerPid) {
        return new CpuUsage(ProcessCpu.nanos(brokerPid), ProcessCpu.self());
    }

    /** The usage between {@code earlier} and this sample. */
    public CpuUsage since(final CpuUsage earlier) {
        return new CpuUsage(diff(brokerNanos, earlier.brokerNanos), diff(benchNanos, earlier.benchNanos));
    }

    /** Broker CPU seconds per GiB of record values moved, or NaN. */
    public double brokerSecondsPerGib(final long bytes) {
        return brokerNanos < 0 || bytes <= 0 ? Double.NaN : brokerNanos / 1e9 / (bytes / (double) Sizes.GIB);
    }

    /** Broker CPU as a percentage of one core over {@code wallNanos}, or NaN. */
    public double brokerPercent(final long wallNanos) {
        return brokerNanos < 0 || wallNanos <= 0 ? Double.NaN : 100.0 * brokerNanos / wallNanos;
    }

    /** The benchmark JVM's CPU as a percentage of one core over {@code wallNanos}, or NaN. */
    public double benchPercent(final long wallNanos) {
        return benchNanos < 0 || wallNanos <= 0 ? Double.NaN : 100.0 * benchNanos / wallNanos;
    }

    private static long diff(final long later, final long earlier) {
        return later < 0 || earlier < 0 ? -1 : later - earlier;
    }
}
