package io.ailurus.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The group-commit thread: at most every millisecond it syncs whatever the writer has appended since the last sync,
 * then stamps each of those batches with the time it became durable — the latency a producer with acks waiting for
 * the fsync would see. One fsync covers every batch appended in that millisecond.
 *
 * <p>Hand-off without locks or allocation: the writer stores each batch's start time in a preallocated array, then
 * publishes the count with a release store; the flusher reads the count (acquire) and so sees those start times.
 */
final class GroupCommitFlusher extends Thread {

    static final long PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final BatchSink sink;
    private final long[] startNs;
    private final Histogram durableNs = Latencies.newHistogram();
    private final AtomicLong appended = new AtomicLong();
    private volatile boolean writerDone;
    private volatile Throwable failure;
    private long syncs;
    private long lastDurableNs;

    GroupCommitFlusher(final BatchSink sink, final int maxBatches) {
        super("group-commit-flusher");
        setDaemon(true);
        this.sink = sink;
        this.startNs = new long[maxBatches];
    }

    /** Writer: batch {@code index} is about to be appended, starting now. */
    void started(final int index, final long nanos) {
        startNs[index] = nanos;
    }

    /** Writer: batches {@code [0, count)} have returned from append. */
    void appended(final long count) {
        appended.lazySet(count);
    }

    /** Writer: no more appends; waits for the final sync and returns when everything became durable. */
    long finish() throws InterruptedException {
        writerDone = true;
        LockSupport.unpark(this);
        join();
        return lastDurableNs;
    }

    Throwable failure() {
        return failure;
    }

    Histogram durableNs() {
        return durableNs;
    }

    long syncs() {
        return syncs;
    }

    @Override
    public void run() {
        long durable = 0;
        try {
            while (true) {
                // Read "done" before the count: if done, the count read next is final and the loop ends after it.
                final boolean last = writerDone;
                final long count = appended.get();
                final long syncStart = System.nanoTime();
                if (count > durable) {
                    sink.sync();
                    syncs++;
                    final long now = System.nanoTime();
                    for (long i = durable; i < count; i++) {
                        Latencies.record(durableNs, now - startNs[(int) i]);
                    }
                    durable = count;
                    lastDurableNs = now;
                }
                if (last) {
                    return;
                }
                // Next sync one period after this one started; if the fsync took longer, go again at once.
                long wait;
                while ((wait = syncStart + PERIOD_NS - System.nanoTime()) > 0 && !writerDone) {
                    LockSupport.parkNanos(wait);
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }
}
