package io.ailurus.tier.s3;

/** A response body ended before the bytes it promised: the connection broke mid-body. Retriable. */
final class TruncatedBodyException extends RuntimeException {

    TruncatedBodyException(final String message) {
        super(message);
    }
}
