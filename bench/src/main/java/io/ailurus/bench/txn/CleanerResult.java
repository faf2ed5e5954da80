package io.ailurus.bench.txn;

import io.ailurus.bench.broker.Sizes;
import java.util.List;

/**
 * The compaction phase: what was produced into the compacted topic, the cleaner's passes over it from the moment it
 * was allowed to clean ({@code startMillis}) until it went quiet, and the partition's size on disk before and after
 * (DescribeLogDirs; -1 if the broker did not say). {@code complete} is false when the phase's deadline ended the wait
 * instead of a quiet cleaner.
 */
record CleanerResult(long producedBytes, long producedRecords, long logEndOffset, long sizeBefore, long sizeAfter,
        long startMillis, List<CleanerLog.Pass> passes, boolean complete) {

    /** Bytes of log the passes went over (their segments' size before cleaning). */
    long bytesCleaned() {
        return passes.stream().mapToLong(CleanerLog.Pass::bytesRead).sum();
    }

    /** From the moment the cleaner was allowed to run until the last pass was logged; -1 without a pass. */
    long elapsedMillis() {
        return passes.isEmpty() ? -1 : passes.get(passes.size() - 1).epochMillis() - startMillis;
    }

    /** MiB of log cleaned per second of that time; NaN without a pass. */
    double mibPerSecond() {
        final long ms = elapsedMillis();
        return ms <= 0 ? Double.NaN : Sizes.mib(bytesCleaned()) / (ms / 1000.0);
    }

    @Override
    public String toString() {
        final long dropped = passes.stream().mapToLong(CleanerLog.Pass::recordsDropped).sum();
        final long after = passes.stream().mapToLong(CleanerLog.Pass::bytesAfter).sum();
        final long upTo = passes.isEmpty() ? -1 : passes.get(passes.size() - 1).cleanedUpTo();
        return String.format("%d pass(es) up to offset %,d of %,d: %,.1f MiB of log -> %,.1f MiB, %,d records dropped, "
                        + "in %.2f s = %.1f MiB/s%s; partition on disk %s -> %s MiB (produced %,.0f MiB, %,d records)",
                passes.size(), upTo, logEndOffset, Sizes.mib(bytesCleaned()), Sizes.mib(after), dropped,
                elapsedMillis() / 1000.0, mibPerSecond(), complete ? "" : ", INCOMPLETE: deadline hit",
                size(sizeBefore), size(sizeAfter), Sizes.mib(producedBytes), producedRecords);
    }

    private static String size(final long bytes) {
        return bytes < 0 ? "?" : String.format("%,.1f", Sizes.mib(bytes));
    }
}
