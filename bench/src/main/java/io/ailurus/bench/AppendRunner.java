package io.ailurus.bench;

import java.io.IOException;
import org.HdrHistogram.Histogram;

/**
 * Drives one sink under one sync policy: appends the sample batch until a byte budget or a deadline is reached and
 * times every append. The loop allocates nothing itself (histograms and the group-commit array are made up front);
 * whatever the sink allocates per append is part of what is measured.
 */
final class AppendRunner {

    /** A deadline that never comes: for runs bounded by bytes only. */
    static final long NO_TIME_LIMIT = Long.MAX_VALUE / 4;

    private AppendRunner() {
    }

    /**
     * @param batchBytes size of one sample batch, to size the group-commit array
     * @param maxBytes   stop once this many bytes went in
     * @param maxNanos   stop once this much time passed (checked after each batch)
     */
    static RunStats run(final BatchSink sink, final SyncPolicy policy, final int batchBytes, final long maxBytes,
            final long maxNanos) throws IOException, InterruptedException {
        final int maxBatches = (int) Math.min(Integer.MAX_VALUE - 8, (maxBytes + batchBytes - 1) / batchBytes);
        return switch (policy) {
            case NONE -> runWithoutSync(sink, maxBytes, maxNanos);
            case EVERY_BATCH -> runSyncEveryBatch(sink, maxBytes, maxNanos);
            case GROUP_COMMIT_1MS -> runGroupCommit(sink, maxBytes, maxNanos, maxBatches);
        };
    }

    private static RunStats runWithoutSync(final BatchSink sink, final long maxBytes, final long maxNanos)
            throws IOException {
        final Histogram call = Latencies.newHistogram();
        long bytes = 0;
        long batches = 0;
        final long start = System.nanoTime();
        final long deadline = start + maxNanos;
        long now = start;
        while (bytes < maxBytes && now - deadline < 0) {
            final long t0 = now;
            bytes += sink.append();
            now = System.nanoTime();
            Latencies.record(call, now - t0);
            batches++;
        }
        return new RunStats(bytes, batches, now - start, call, call, 0);
    }

    private static RunStats runSyncEveryBatch(final BatchSink sink, final long maxBytes, final long maxNanos)
            throws IOException {
        final Histogram call = Latencies.newHistogram();
        final Histogram durable = Latencies.newHistogram();
        long bytes = 0;
        long batches = 0;
        final long start = System.nanoTime();
        final long deadline = start + maxNanos;
        long now = start;
        while (bytes < maxBytes && now - deadline < 0) {
            final long t0 = now;
            bytes += sink.append();
            final long t1 = System.nanoTime();
            sink.sync();
            now = System.nanoTime();
            Latencies.record(call, t1 - t0);
            Latencies.record(durable, now - t0);
            batches++;
        }
        return new RunStats(bytes, batches, now - start, durable, call, batches);
    }

    private static RunStats runGroupCommit(final BatchSink sink, final long maxBytes, final long maxNanos,
            final int maxBatches) throws IOException, InterruptedException {
        final Histogram call = Latencies.newHistogram();
        final GroupCommitFlusher flusher = new GroupCommitFlusher(sink, maxBatches);
        long bytes = 0;
        int batches = 0;
        final long start = System.nanoTime();
        final long deadline = start + maxNanos;
        long now = start;
        flusher.start();
        try {
            while (bytes < maxBytes && batches < maxBatches && now - deadline < 0 && flusher.failure() == null) {
                final long t0 = now;
                flusher.started(batches, t0);
                bytes += sink.append();
                now = System.nanoTime();
                Latencies.record(call, now - t0);
                flusher.appended(++batches);
            }
        } finally {
            // Throughput counts until the last batch is durable: the final sync is part of the run.
            final long end = flusher.finish();
            now = Math.max(now, end);
        }
        if (flusher.failure() != null) {
            throw new IOException("group-commit flusher failed", flusher.failure());
        }
        return new RunStats(bytes, batches, now - start, flusher.durableNs(), call, flusher.syncs());
    }
}
