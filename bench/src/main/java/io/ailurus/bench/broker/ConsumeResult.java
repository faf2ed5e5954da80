package io.ailurus.bench.broker;

/**
 * The consume phase: records and bytes (record values) read from the beginning of every partition up to the end
 * offsets taken before it started, wall time from the first poll to the last record, whether every record was read
 * before the phase's deadline, and CPU over the phase.
 */
public record ConsumeResult(long records, long bytes, long nanos, boolean complete, CpuUsage cpu) {

    public double mibPerSecond() {
        return Sizes.mibPerSecond(bytes, nanos);
    }

    @Override
    public String toString() {
        return String.format("%,.0f MiB in %.1f s = %.1f MiB/s (%,d records%s); broker CPU %.0f%%, %.1f s/GiB; "
                        + "bench CPU %.0f%%",
                Sizes.mib(bytes), nanos / 1e9, mibPerSecond(), records, complete ? "" : ", INCOMPLETE: deadline hit",
                cpu.brokerPercent(nanos), cpu.brokerSecondsPerGib(bytes), cpu.benchPercent(nanos));
    }
}
