package io.ailurus.chaos.workload;

import java.util.concurrent.TimeUnit;

/** Spaces a worker's ops evenly at a target rate; a worker that fell behind (a fault) does not burst to catch up. */
public final class Pacer {

    private final long intervalNs;
    private long nextNs = System.nanoTime();

    public Pacer(final double perSecond) {
        this.intervalNs = (long) (TimeUnit.SECONDS.toNanos(1) / Math.max(0.1, perSecond));
    }

    public void await() throws InterruptedException {
        final long now = System.nanoTime();
        if (nextNs < now) {
            nextNs = now;
        }
        final long waitNs = nextNs - now;
        if (waitNs > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNs);
        }
        nextNs += intervalNs;
    }
}
