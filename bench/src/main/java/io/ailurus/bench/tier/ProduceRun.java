package io.ailurus.bench.tier;

import io.ailurus.bench.broker.ProduceResult;
import io.ailurus.bench.broker.Sizes;

/**
 * One measured produce run to one topic: the producer's result, CPU over the run, and for the tiered topic what was
 * not in the bucket yet when the run ended, how long the bucket took to catch up after it, and CPU until then.
 *
 * @param notTieredBytes bytes of record values not in the bucket when the last record was acknowledged (estimated
 *                       from the record count and size)
 * @param drainNanos     from the end of the run until every record was in the bucket; -1 if it never caught up
 * @param cpuWithDrain   CPU over the run and the catching up
 */
record ProduceRun(int round, boolean tiered, ProduceResult result, CpuSample cpu, long notTieredBytes,
        long drainNanos, CpuSample cpuWithDrain) {

    double mibPerSecond() {
        return result.mibPerSecond();
    }

    boolean complete() {
        return result.errors() == 0 && result.records() > 0 && (!tiered || drainNanos >= 0);
    }

    @Override
    public String toString() {
        final String base = String.format("%-14s %,6.0f MiB in %.1f s = %6.1f MiB/s (%d errors%s); CPU %s; broker %.1f CPU s/GiB",
                tiered ? "tiering on:" : "tiering off:", Sizes.mib(result.bytes()), result.nanos() / 1e9,
                mibPerSecond(), result.errors(), result.firstError() == null ? "" : ", first: " + result.firstError(),
                cpu.percentages(result.nanos()), CpuSample.secondsPerGib(cpu.brokerNanos(), result.bytes()));
        if (!tiered) {
            return base;
        }
        return base + String.format("%n%16s%,.0f MiB not in the bucket at the end; %s; broker %.1f CPU s/GiB "
                        + "including the catching up", "", Sizes.mib(notTieredBytes),
                drainNanos < 0 ? "the bucket did NOT catch up" : String.format("caught up %.1f s later", drainNanos / 1e9),
                CpuSample.secondsPerGib(cpuWithDrain.brokerNanos(), result.bytes()));
    }
}
