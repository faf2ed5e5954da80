package io.ailurus.tier.s3;

/**
 * An object-store call that failed for good: either its failure was not worth retrying (a 4xx answer, a missing
 * object, a bad argument) or the retries or the deadline ran out. The message names the operation, the key, the
 * attempts made and the last cause.
 */
public class ObjectStoreException extends RuntimeException {

    private final String operation;
    private final String key;
    private final int attempts;
    private final boolean retriable;

    public ObjectStoreException(final String operation, final String key, final int attempts, final boolean retriable,
            final String reason, final Throwable lastCause) {
        super(message(operation, key, attempts, retriable, reason, lastCause), lastCause);
        this.operation = operation;
        this.key = key;
        this.attempts = attempts;
        this.retriable = retriable;
    }

    /** The ObjectStore method that failed: {@code put}, {@code putFile}, {@code get}, {@code getRange}, ... */
    public String operation() {
        return operation;
    }

    /** The object key, or the prefix for {@code list} and {@code deleteAll}, or the bucket for {@code ensureBucket}. */
    public String key() {
        return key;
    }

    public int attempts() {
        return attempts;
    }

    /**
     * Whether the last failure was of a kind worth retrying (the call ran out of retries or time): a later call may
     * well succeed. False for answers that will not change by asking again.
     */
    public boolean retriable() {
        return retriable;
    }

    private static String message(final String operation, final String key, final int attempts,
            final boolean retriable, final String reason, final Throwable lastCause) {
        return "S3 " + operation + " of '" + key + "' failed after " + attempts + (attempts == 1 ? " attempt" : " attempts")
                + " (" + (retriable ? "retriable" : "not retriable") + "; " + reason + "): "
                + Failures.describe(lastCause);
    }
}
