package io.ailurus.kafka.network;

/** A frame that cannot be answered in the Kafka protocol: the broker closes that one connection and says why. */
public final class MalformedRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MalformedRequestException(final String message) {
        super(message, null, false, false);
    }
}
