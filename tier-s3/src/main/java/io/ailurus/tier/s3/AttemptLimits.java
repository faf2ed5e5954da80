package io.ailurus.tier.s3;

import java.time.Duration;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The limits of one attempt of a call, applied to its streams so that an attempt that stops does not just wait:
 * a stream that moves nothing for {@code stall} fails (a stalled server, a response that never starts), and none
 * runs past the call's deadline ({@code remaining}). Both fail with a TimeoutException, which is retriable; failing
 * the stream also cancels it, which closes the HTTP connection it was stuck on.
 *
 * @param number    1 for the first attempt of the call
 * @param stall     how long the attempt's streams may move nothing
 * @param remaining time left until the call's deadline when the attempt started
 */
record AttemptLimits(int number, Duration stall, Duration remaining) {

    /** Fails {@code source} if it moves nothing for {@code stall}, and at the call's deadline. */
    <T, M> Source<T, M> bound(final Source<T, M> source) {
        return source.idleTimeout(stall).completionTimeout(remaining);
    }

    /** Fails {@code source} at the call's deadline only: for streams that may rightly pause (see ObjectStore). */
    <T, M> Source<T, M> boundByDeadline(final Source<T, M> source) {
        return source.completionTimeout(remaining);
    }
}
