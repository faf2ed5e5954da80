package io.ailurus.cluster.controller;

import io.ailurus.actors.serialization.KryoMessage;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/** What applying a command gave: a value, or a Kafka error that every member reached alike. */
public sealed interface ControllerResult extends KryoMessage {

    record Applied(Object value) implements ControllerResult {
    }

    record Rejected(short errorCode, String message) implements ControllerResult {

        static Rejected of(final ApiException e) {
            return new Rejected(Errors.forException(e).code(), e.getMessage());
        }

        public ApiException exception() {
            return Errors.forCode(errorCode).exception(message);
        }
    }
}
