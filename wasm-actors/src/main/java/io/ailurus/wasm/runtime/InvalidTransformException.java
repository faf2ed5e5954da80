package io.ailurus.wasm.runtime;

/** A binary that cannot run as a transform; the message says why, in words the person deploying it understands. */
public final class InvalidTransformException extends Exception {

    public InvalidTransformException(final String message) {
        super(message);
    }
}
