package io.ailurus.tier.s3;

/** The object asked for does not exist (S3 answered 404). Never retried: asking again will not make it appear. */
public final class ObjectNotFoundException extends ObjectStoreException {

    public ObjectNotFoundException(final String operation, final String key, final int attempts,
            final Throwable cause) {
        super(operation, key, attempts, false, "no such object", cause);
    }
}
