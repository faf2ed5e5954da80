package io.ailurus.bench.tier;

import io.ailurus.bench.broker.Sizes;

/**
 * One read of a topic: records and bytes of record values read, wall time from the first poll to the last record,
 * whether every wanted record arrived before the deadline, polls that returned nothing, OFFSET_OUT_OF_RANGE answers
 * for offsets the topic holds (a broker error; the read went on from the same offset), and CPU over the read.
 */
record ConsumeRun(long records, long bytes, long nanos, boolean complete, int emptyPolls, int outOfRange,
        String firstOutOfRange, CpuSample cpu) {

    double mibPerSecond() {
        return Sizes.mibPerSecond(bytes, nanos);
    }

    @Override
    public String toString() {
        return String.format("%,.0f MiB in %.2f s = %.1f MiB/s (%,d records%s, %d empty polls%s); CPU %s; "
                        + "broker %.1f CPU s/GiB",
                Sizes.mib(bytes), nanos / 1e9, mibPerSecond(), records, complete ? "" : ", INCOMPLETE", emptyPolls,
                outOfRange == 0 ? "" : ", " + outOfRange + " OFFSET_OUT_OF_RANGE answers for offsets the topic holds, "
                        + "first at " + firstOutOfRange,
                cpu.percentages(nanos), CpuSample.secondsPerGib(cpu.brokerNanos(), bytes));
    }
}
