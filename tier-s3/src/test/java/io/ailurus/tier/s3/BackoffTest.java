package io.ailurus.tier.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFrom100MillisUpTo5Seconds() {
        assertEquals(100, Backoff.ceilingMillis(1));
        assertEquals(200, Backoff.ceilingMillis(2));
        assertEquals(400, Backoff.ceilingMillis(3));
        assertEquals(3200, Backoff.ceilingMillis(6));
        assertEquals(5000, Backoff.ceilingMillis(7));
        assertEquals(5000, Backoff.ceilingMillis(1000));
    }

    @Test
    void jitterStaysInTheUpperHalf() {
        for (int retry = 1; retry <= 10; retry++) {
            for (int i = 0; i < 200; i++) {
                final Duration pause = Backoff.beforeRetry(retry);
                final long ceiling = Backoff.ceilingMillis(retry);
                assertTrue(pause.toMillis() >= ceiling / 2 && pause.toMillis() <= ceiling,
                        "retry " + retry + ": " + pause);
            }
        }
    }
}
