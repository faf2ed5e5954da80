package io.ailurus.bench;

import org.HdrHistogram.Histogram;

/**
 * What one measured run produced.
 *
 * @param bytes      batch bytes appended
 * @param batches    batches appended
 * @param elapsedNs  from the first append until the last one returned, or, when syncing, until it was durable
 * @param ackNs      per batch: time until the batch was durable (sync modes) or until append returned (no sync)
 * @param callNs     per batch: time the append call alone took
 * @param syncs      fsyncs issued during the run
 */
record RunStats(long bytes, long batches, long elapsedNs, Histogram ackNs, Histogram callNs, long syncs) {

    double mibPerSecond() {
        return bytes / (double) BenchOptions.MIB / (elapsedNs / 1e9);
    }
}
