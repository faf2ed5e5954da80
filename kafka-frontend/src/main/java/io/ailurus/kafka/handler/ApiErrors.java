package io.ailurus.kafka.handler;

import io.ailurus.kafka.Futures;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;

/** Turns a failed change into the error code and message a response carries. */
final class ApiErrors {

    private ApiErrors() {
    }

    /**
     * Kafka's mapping (unwrapped, message kept unless it only repeats the code's own). An unexpected failure becomes
     * UNKNOWN_SERVER_ERROR without a message, so internals do not leak to clients: it is logged here instead.
     */
    static ApiError of(final Throwable failure, final Logger log, final String what) {
        final ApiError error = ApiError.fromThrowable(failure);
        if (error.error() == Errors.UNKNOWN_SERVER_ERROR) {
            log.warn("{} failed", what, Futures.cause(failure));
        }
        return error;
    }
}
