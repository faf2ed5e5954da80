package io.ailurus.tier.s3;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void retriesTheStatusesOfABusyOrBrokenStoreOnly() {
        for (final int status : new int[] {408, 429, 500, 502, 503, 504}) {
            assertTrue(Failures.isRetriableStatus(status), String.valueOf(status));
        }
        for (final int status : new int[] {400, 401, 403, 404, 405, 409, 412, 416, 501}) {
            assertFalse(Failures.isRetriableStatus(status), String.valueOf(status));
        }
    }

    @Test
    void retriesBrokenConnectionsAndTimeoutsButNotOurOwnMistakes() {
        assertTrue(Failures.isRetriable(new CompletionException(new IOException("Connection reset by peer"))));
        assertTrue(Failures.isRetriable(new TimeoutException("No elements passed in the last 1 second")));
        assertTrue(Failures.isRetriable(new TruncatedBodyException("short")));
        assertFalse(Failures.isRetriable(new IllegalArgumentException("bad range")));
        assertFalse(Failures.isRetriable(new NullPointerException()));
    }
}
