package io.ailurus.tier.s3;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between the attempts of one call: 100 ms doubling up to 5 s, each delay drawn
 * from its upper half, so that the clients a store failure hit at the same moment do not come back at the same moment.
 */
final class Backoff {

    static final Duration MIN_DELAY = Duration.ofMillis(100);
    static final Duration MAX_DELAY = Duration.ofSeconds(5);

    private Backoff() {
    }

    /** The pause before retry number {@code retry} (1 for the first retry). */
    static Duration beforeRetry(final int retry) {
        final long ceiling = ceilingMillis(retry);
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    /** The longest pause before retry number {@code retry}: 100 ms, 200 ms, 400 ms, ... at most 5 s. */
    static long ceilingMillis(final int retry) {
        final int doublings = Math.min(Math.max(retry - 1, 0), 30);
        return Math.min(MAX_DELAY.toMillis(), MIN_DELAY.toMillis() << doublings);
    }
}
