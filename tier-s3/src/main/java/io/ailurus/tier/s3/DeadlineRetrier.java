package io.ailurus.tier.s3;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContext;

/**
 * Runs one object-store call as attempts: retriable failures (see {@link Failures}) are retried after an exponential,
 * jittered backoff, at most {@code maxRetries} times, and the whole call has a deadline ({@code callTimeout}) after
 * which it fails even if an attempt is still under way. Nothing blocks: attempts are stages, pauses and the deadline are
 * timers of the Pekko scheduler. A call that needs retries logs one WARN line, on its first retry.
 */
final class DeadlineRetrier {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);

    private final Scheduler scheduler;
    private final ExecutionContext executor;
    private final Duration callTimeout;
    private final Duration stallTimeout;
    private final int maxRetries;

    DeadlineRetrier(final Scheduler scheduler, final ExecutionContext executor, final S3Settings settings) {
        this.scheduler = scheduler;
        this.executor = executor;
        this.callTimeout = settings.callTimeout();
        this.stallTimeout = settings.stallTimeout();
        this.maxRetries = settings.maxRetries();
    }

    /**
     * Runs {@code attempt} until it succeeds, fails in a way not worth retrying, runs out of retries or the deadline
     * passes. Failures come as {@link ObjectStoreException} ({@link ObjectNotFoundException} for a 404).
     */
    <T> CompletableFuture<T> call(final String operation, final String key,
            final Function<AttemptLimits, CompletionStage<T>> attempt) {
        return call(operation, key, callTimeout, attempt);
    }

    /** As {@link #call(String, String, Function)}, with a deadline of its own (a large upload needs more). */
    <T> CompletableFuture<T> call(final String operation, final String key, final Duration deadline,
            final Function<AttemptLimits, CompletionStage<T>> attempt) {
        return new Call<>(operation, key, deadline, attempt).start();
    }

    /**
     * The state of one call. Its methods run on whichever thread completed an attempt or fired a timer; the monitor
     * guards the decisions, and the result is completed outside it (the caller's callbacks run there).
     */
    private final class Call<T> {
        private static final Duration LEAST_ATTEMPT_TIME = Duration.ofMillis(1);

        private final String operation;
        private final String key;
        private final Function<AttemptLimits, CompletionStage<T>> attempt;
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private final Duration callTimeout;
        private final long deadlineNanos;
        private Cancellable deadlineTimer;
        private boolean finished;
        private int attempts;
        private Throwable lastFailure;

        Call(final String operation, final String key, final Duration callTimeout,
                final Function<AttemptLimits, CompletionStage<T>> attempt) {
            this.callTimeout = callTimeout;
            this.deadlineNanos = System.nanoTime() + callTimeout.toNanos();
            this.operation = operation;
            this.key = key;
            this.attempt = attempt;
        }

        CompletableFuture<T> start() {
            final Cancellable timer = scheduler.scheduleOnce(callTimeout, this::deadlinePassed, executor);
            synchronized (this) {
                deadlineTimer = timer;
            }
            startAttempt();
            return result;
        }

        private void startAttempt() {
            final AttemptLimits limits;
            synchronized (this) {
                if (finished) {
                    return;
                }
                attempts++;
                final Duration remaining = max(remaining(), LEAST_ATTEMPT_TIME);
                limits = new AttemptLimits(attempts, min(stallTimeout, remaining), remaining);
            }
            CompletionStage<T> stage;
            try {
                stage = attempt.apply(limits);
            } catch (final RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            // Relayed on the completing thread: the non-async callbacks of Scala's CompletionStage adapter would run
            // on the default async executor, which on a small machine is a new thread per callback.
            stage.whenCompleteAsync((value, failure) -> attemptEnded(limits.number(), value, failure), Runnable::run);
        }

        private void attemptEnded(final int number, final T value, final Throwable failure) {
            if (failure == null) {
                if (finish()) {
                    if (number > 1) {
                        LOG.debug("S3 {} of '{}' succeeded at attempt {}", operation, key, number);
                    }
                    result.complete(value);
                }
                return;
            }
            final ObjectStoreException verdict;
            final Duration pause;
            synchronized (this) {
                if (finished) {
                    return;
                }
                lastFailure = failure;
                pause = Backoff.beforeRetry(number);
                verdict = verdict(failure, pause);
                finished = verdict != null;
            }
            if (verdict != null) {
                deadlineTimer.cancel();
                result.completeExceptionally(verdict);
                return;
            }
            if (number == 1) {
                LOG.warn("S3 {} of '{}': attempt 1 failed ({}); retrying, at most {} times within {} ms", operation,
                        key, Failures.describe(failure), maxRetries, callTimeout.toMillis());
            } else {
                LOG.debug("S3 {} of '{}': attempt {} failed ({}); retrying in {} ms", operation, key, number,
                        Failures.describe(failure), pause.toMillis());
            }
            scheduler.scheduleOnce(pause, this::startAttempt, executor);
        }

        /** Why the call ends with this failure, or null if it is worth another attempt after {@code pause}. */
        private ObjectStoreException verdict(final Throwable failure, final Duration pause) {
            final Throwable cause = Failures.unwrap(failure);
            if (cause instanceof ObjectStoreException decided) {
                // The attempt judged its failure itself (e.g. an object shorter than the range asked for).
                return decided;
            }
            if (Failures.isNotFound(cause)) {
                return new ObjectNotFoundException(operation, key, attempts, cause);
            }
            if (!Failures.isRetriable(cause)) {
                return new ObjectStoreException(operation, key, attempts, false, "not worth retrying", cause);
            }
            if (attempts > maxRetries) {
                return new ObjectStoreException(operation, key, attempts, true,
                        "gave up after " + maxRetries + " retries", cause);
            }
            if (pause.compareTo(remaining()) >= 0) {
                return new ObjectStoreException(operation, key, attempts, true,
                        "deadline of " + callTimeout.toMillis() + " ms reached", cause);
            }
            return null;
        }

        private void deadlinePassed() {
            final ObjectStoreException verdict;
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
                final TimeoutException timeout = new TimeoutException("attempt " + attempts
                        + " had no answer within the call's deadline" + (lastFailure == null ? ""
                                : "; the attempt before failed with " + Failures.describe(lastFailure)));
                verdict = new ObjectStoreException(operation, key, attempts, true,
                        "deadline of " + callTimeout.toMillis() + " ms reached", timeout);
            }
            result.completeExceptionally(verdict);
        }

        private boolean finish() {
            synchronized (this) {
                if (finished) {
                    return false;
                }
                finished = true;
            }
            deadlineTimer.cancel();
            return true;
        }

        private Duration remaining() {
            return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
        }
    }

    private static Duration min(final Duration a, final Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(final Duration a, final Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
