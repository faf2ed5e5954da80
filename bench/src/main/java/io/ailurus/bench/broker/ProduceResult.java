package io.ailurus.bench.broker;

/**
 * The throughput phase: records and bytes (record values) acknowledged, wall time from the first send until
 * {@code flush()} returned (every record acknowledged), send errors, and CPU over the phase.
 */
public record ProduceResult(long records, long bytes, long nanos, long errors, String firstError, CpuUsage cpu) {

    public double mibPerSecond() {
        return Sizes.mibPerSecond(bytes, nanos);
    }

    @Override
    public String toString() {
        return String.format("%,.0f MiB in %.1f s = %.1f MiB/s (%,d records, %d errors%s); broker CPU %.0f%%, "
                        + "%.1f s/GiB; bench CPU %.0f%%",
                Sizes.mib(bytes), nanos / 1e9, mibPerSecond(), records, errors,
                firstError == null ? "" : ", first: " + firstError,
                cpu.brokerPercent(nanos), cpu.brokerSecondsPerGib(bytes), cpu.benchPercent(nanos));
    }
}
