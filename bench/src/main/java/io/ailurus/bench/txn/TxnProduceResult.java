package io.ailurus.bench.txn;

import io.ailurus.bench.broker.CpuUsage;
import io.ailurus.bench.broker.Sizes;

/**
 * The transactional produce phase: committed transactions, their records and bytes (record values), wall time from
 * the start until the last producer's last commit returned, transactions aborted after an error, and CPU over the
 * phase.
 */
record TxnProduceResult(int producers, long transactions, long records, long bytes, long nanos, long aborted,
        String firstError, CpuUsage cpu) {

    double mibPerSecond() {
        return Sizes.mibPerSecond(bytes, nanos);
    }

    double transactionsPerSecond() {
        return nanos <= 0 ? 0 : transactions / (nanos / 1e9);
    }

    @Override
    public String toString() {
        return String.format("%,.0f MiB in %.1f s = %.1f MiB/s, %,.0f transactions/s (%,d committed by %d producers, "
                        + "%d aborted%s); broker CPU %.0f%%, %.1f s/GiB; bench CPU %.0f%%",
                Sizes.mib(bytes), nanos / 1e9, mibPerSecond(), transactionsPerSecond(), transactions, producers,
                aborted, firstError == null ? "" : ", first error: " + firstError,
                cpu.brokerPercent(nanos), cpu.brokerSecondsPerGib(bytes), cpu.benchPercent(nanos));
    }
}
